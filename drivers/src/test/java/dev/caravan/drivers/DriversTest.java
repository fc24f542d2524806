package dev.caravan.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DriversTest {
  @Test
  void loadsEveryDriverByItsName() {
    Map<String, TaskDriver> drivers = Drivers.load(DriverOptions.defaults());

    assertEquals(Set.of("docker", "exec", "java", "mock", "raw_exec"), drivers.keySet());
    drivers.forEach((name, driver) -> assertEquals(name, driver.name()));
  }

  @Test
  void rawExecFollowsTheClientOption() {
    DriverOptions enabled = new DriverOptions(true, false, null, Map.of());

    assertFalse(Drivers.load(DriverOptions.defaults()).get("raw_exec").fingerprint().detected());
    assertTrue(Drivers.load(enabled).get("raw_exec").fingerprint().detected());
  }
}
