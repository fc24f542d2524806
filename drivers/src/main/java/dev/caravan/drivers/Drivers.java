package dev.caravan.drivers;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The task drivers this client offers, by the name a job's {@code driver} attribute uses. */
public final class Drivers {
  private Drivers() {}

  /**
   * Creates every driver under the client's options, keyed by {@link TaskDriver#name()}.
   * Drivers a machine cannot use are still listed; their {@link TaskDriver#fingerprint()} says
   * why (raw_exec while disabled, for instance).
   */
  public static Map<String, TaskDriver> load(DriverOptions options) {
    Map<String, TaskDriver> drivers = new TreeMap<>();
    List<TaskDriver> all =
        List.of(
            new MockDriver(),
            new RawExecDriver(options),
            new ExecDriver(),
            new JavaDriver(),
            new DockerDriver(options));
    for (TaskDriver driver : all) {
      drivers.put(driver.name(), driver);
    }
    return Map.copyOf(drivers);
  }
}
