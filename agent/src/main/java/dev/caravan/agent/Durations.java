package dev.caravan.agent;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as Nomad writes them: {@code 30s}, {@code 1h30m}, {@code 500ms}. */
final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)");

  private Durations() {}

  static Duration parse(String text, String where) throws ConfigException {
    Matcher m = PART.matcher(text);
    long nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      long unit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos += (long) (n * unit);
      end = m.end();
    }
    if (text.isEmpty() || end != text.length()) {
      throw new ConfigException(where + ": invalid duration \"" + text + "\" (use 30s, 5m, 1h30m)");
    }
    return Duration.ofNanos(nanos);
  }
}
