package dev.caravan.drivers;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations the way Go's {@code time.ParseDuration} writes them in job files:
 * a sequence of decimal numbers with units {@code ns us µs ms s m h}, such as {@code "10s"},
 * {@code "500ms"}, {@code "1m30s"} or {@code "1.5h"}. A bare {@code "0"} is zero.
 *
 * <p>The one parser of Go durations in Caravan: driver configs, job files and the agent config
 * all read durations through it (drivers is the module every other one may import).
 */
public final class GoDuration {
  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  private GoDuration() {}

  /**
   * Returns the duration {@code text} names.
   *
   * @throws IllegalArgumentException naming the text when it is no Go duration
   */
  public static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("invalid duration \"\"");
    }
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(text);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException("invalid duration \"" + text + "\"");
      }
      BigDecimal unit = BigDecimal.valueOf(unitNanos(m.group(2)));
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unit));
      at = m.end();
    }
    return Duration.ofNanos(nanos.longValue());
  }

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw new IllegalArgumentException("unknown unit " + unit);
    };
  }
}
