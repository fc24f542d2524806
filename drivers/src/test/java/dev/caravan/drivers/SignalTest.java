package dev.caravan.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SignalTest {
  @Test
  void parsesNamesWithOrWithoutThePrefixInAnyCase() throws DriverException {
    assertEquals(Signal.SIGINT, Signal.parse("SIGINT"));
    assertEquals(Signal.SIGUSR1, Signal.parse("usr1"));
    assertEquals(Signal.SIGHUP, Signal.parse(" sighup "));
  }

  @Test
  void defaultsToSigterm() throws DriverException {
    assertEquals(Signal.SIGTERM, Signal.parse(null));
    assertEquals(Signal.SIGTERM, Signal.parse(""));
  }

  @Test
  void rejectsAnUnsupportedSignalNamingIt() {
    DriverException e = assertThrows(DriverException.class, () -> Signal.parse("SIGFOO"));

    assertEquals(
        "unsupported signal \"SIGFOO\" (supported: [SIGHUP, SIGINT, SIGQUIT, SIGKILL, SIGUSR1,"
            + " SIGUSR2, SIGTERM])",
        e.getMessage());
  }

  @Test
  void knowsLinuxNumbersAndKillNames() {
    assertEquals(15, Signal.SIGTERM.number());
    assertEquals(9, Signal.SIGKILL.number());
    assertEquals("USR2", Signal.SIGUSR2.shortName());
  }
}
