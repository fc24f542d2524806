package dev.caravan.agent;

import dev.caravan.drivers.GoDuration;
import java.time.Duration;

/** Go-style durations in the agent config and query parameters, as {@link ConfigException}s. */
final class Durations {
  private Durations() {}

  static Duration parse(String text, String where) throws ConfigException {
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": invalid duration \"" + text + "\" (use 30s, 5m, 1h30m)");
    }
  }
}
