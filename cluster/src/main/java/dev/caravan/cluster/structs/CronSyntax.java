package dev.caravan.cluster.structs;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The syntax of the cron expressions Nomad accepts (its cronexpr library): a macro such as
 * {@code @daily}, or 5 fields (minute hour day-of-month month day-of-week), 6 (plus a year)
 * or 7 (a leading second and a year); each field a list of {@code *}, {@code ?}, values,
 * ranges and steps, with month and weekday names and {@code L}, {@code W}, {@code #} where
 * cronexpr allows them. Syntax only: the periodic launcher owns the meaning.
 */
final class CronSyntax {
  private CronSyntax() {}

  private static final Set<String> MACROS = Set.of("@yearly", "@annually", "@monthly", "@weekly",
      "@daily", "@midnight", "@hourly");
  private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun",
      "jul", "aug", "sep", "oct", "nov", "dec");
  private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

  private record Field(String name, int min, int max) {}

  private static final Map<Integer, List<Field>> LAYOUTS = Map.of(
      5, List.of(new Field("minute", 0, 59), new Field("hour", 0, 23),
          new Field("day of month", 1, 31), new Field("month", 1, 12),
          new Field("day of week", 0, 7)),
      6, List.of(new Field("minute", 0, 59), new Field("hour", 0, 23),
          new Field("day of month", 1, 31), new Field("month", 1, 12),
          new Field("day of week", 0, 7), new Field("year", 1970, 2099)),
      7, List.of(new Field("second", 0, 59), new Field("minute", 0, 59), new Field("hour", 0, 23),
          new Field("day of month", 1, 31), new Field("month", 1, 12),
          new Field("day of week", 0, 7), new Field("year", 1970, 2099)));

  /** Null when {@code spec} is a valid cron expression, else what is wrong with it. */
  static String check(String spec) {
    if (spec == null || spec.isBlank()) {
      return "empty cron expression";
    }
    String s = spec.strip();
    if (s.startsWith("@")) {
      return MACROS.contains(s.toLowerCase()) ? null : "unknown cron macro \"" + s + "\"";
    }
    String[] parts = s.split("\\s+");
    List<Field> layout = LAYOUTS.get(parts.length);
    if (layout == null) {
      return "cron expression \"" + s + "\" has " + parts.length
          + " fields: expected 5 (minute hour day-of-month month day-of-week), 6 or 7";
    }
    for (int k = 0; k < parts.length; k++) {
      String problem = field(parts[k], layout.get(k));
      if (problem != null) {
        return "cron expression \"" + s + "\": " + problem;
      }
    }
    return null;
  }

  private static String field(String text, Field f) {
    for (String item : text.split(",", -1)) {
      if (item.isEmpty()) {
        return "empty item in the " + f.name() + " field";
      }
      String range = item;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        Integer step = number(item.substring(slash + 1));
        if (step == null || step < 1) {
          return "bad step in \"" + item + "\" (" + f.name() + ")";
        }
      }
      if (range.equals("*") || range.equals("?")) {
        continue;
      }
      if (f.name().startsWith("day") && (range.equals("L") || range.endsWith("W")
          || range.endsWith("L") || range.contains("#"))) {
        continue;
      }
      int dash = range.indexOf('-', 1);
      String[] ends = dash < 0 ? new String[] {range}
          : new String[] {range.substring(0, dash), range.substring(dash + 1)};
      for (String end : ends) {
        Integer v = value(end, f);
        if (v == null) {
          return "\"" + end + "\" is not a valid " + f.name();
        }
        if (v < f.min() || v > f.max()) {
          return f.name() + " " + v + " is outside " + f.min() + "-" + f.max();
        }
      }
    }
    return null;
  }

  private static Integer value(String s, Field f) {
    Integer n = number(s);
    if (n != null) {
      return n;
    }
    String lower = s.toLowerCase();
    if (f.name().equals("month") && MONTHS.contains(lower)) {
      return MONTHS.indexOf(lower) + 1;
    }
    if (f.name().equals("day of week") && DAYS.contains(lower)) {
      return DAYS.indexOf(lower);
    }
    return null;
  }

  private static Integer number(String s) {
    if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return Integer.parseInt(s);
  }
}
