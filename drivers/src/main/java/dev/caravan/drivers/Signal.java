package dev.caravan.drivers;

import java.util.List;
import java.util.Locale;

/** The signals a task may be stopped with, by their Linux numbers. */
enum Signal {
  SIGHUP(1),
  SIGINT(2),
  SIGQUIT(3),
  SIGKILL(9),
  SIGUSR1(10),
  SIGUSR2(12),
  SIGTERM(15);

  private final int number;

  Signal(int number) {
    this.number = number;
  }

  int number() {
    return number;
  }

  /** The name {@code kill} takes: {@code TERM} for {@link #SIGTERM}. */
  String shortName() {
    return name().substring(3);
  }

  /**
   * The signal a job's {@code kill_signal} names ({@code "SIGINT"} or {@code "INT"}, any case);
   * {@link #SIGTERM} when null or empty.
   *
   * @throws DriverException naming the signal when it is not supported
   */
  static Signal parse(String name) throws DriverException {
    if (name == null || name.isBlank()) {
      return SIGTERM;
    }
    String upper = name.trim().toUpperCase(Locale.ROOT);
    String full = upper.startsWith("SIG") ? upper : "SIG" + upper;
    for (Signal s : values()) {
      if (s.name().equals(full)) {
        return s;
      }
    }
    throw new DriverException(
        "unsupported signal \"" + name + "\" (supported: " + List.of(values()) + ")");
  }
}
