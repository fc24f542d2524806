package dev.caravan.drivers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys a driver's {@code config} block accepts and what each holds; checks a block into
 * error messages that name the key, as {@link TaskDriver#validateConfig} returns them.
 */
record ConfigSchema(String driver, Map<String, Kind> keys, Set<String> required) {
  ConfigSchema {
    keys = Map.copyOf(keys);
    required = Set.copyOf(required);
  }

  /** What a key's value must be. */
  enum Kind {
    STRING,
    INT,
    DURATION,
    STRING_LIST,
    BOOL,
    /** A map of strings: {@code labels { a = "b" }}, or HCL's list of one such block. */
    STRING_MAP
  }

  /** The errors in {@code config}, sorted by key; empty when it is valid. */
  List<String> check(Map<String, Object> config) {
    List<String> errors = new ArrayList<>();
    for (String key : new TreeSet<>(config.keySet())) {
      Kind kind = keys.get(key);
      if (kind == null) {
        errors.add("unknown key \"" + key + "\" in " + driver + " config");
      } else {
        String problem = problem(kind, config.get(key));
        if (problem != null) {
          errors.add("key \"" + key + "\" in " + driver + " config " + problem);
        }
      }
    }
    for (String key : new TreeSet<>(required)) {
      if (!config.containsKey(key)) {
        errors.add("missing required key \"" + key + "\" in " + driver + " config");
      }
    }
    return errors;
  }

  private static String problem(Kind kind, Object value) {
    return switch (kind) {
      case STRING -> value instanceof String ? null : "must be a string";
      case INT -> asInt(value) != null ? null : "must be an integer";
      case DURATION -> durationProblem(value);
      case STRING_LIST ->
          value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)
              ? null
              : "must be a list of strings";
      case BOOL -> value instanceof Boolean ? null : "must be true or false";
      case STRING_MAP -> asStringMap(value) != null ? null : "must be a map of strings";
    };
  }

  private static String durationProblem(Object value) {
    if (!(value instanceof String s)) {
      return "must be a duration string such as \"10s\"";
    }
    try {
      GoDuration.parse(s);
      return null;
    } catch (IllegalArgumentException e) {
      return "must be a duration such as \"10s\": " + e.getMessage();
    }
  }

  /**
   * A map of strings as HCL or JSON decoding leaves it: a map, or a list of maps (repeated
   * blocks) merged in order; numbers and booleans become their text. Null when it is neither.
   */
  static Map<String, String> asStringMap(Object value) {
    List<?> blocks = value instanceof List<?> list ? list : List.of(value == null ? "" : value);
    Map<String, String> out = new java.util.TreeMap<>();
    for (Object block : blocks) {
      if (!(block instanceof Map<?, ?> map)) {
        return null;
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object v = e.getValue();
        if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
          return null;
        }
        out.put(String.valueOf(e.getKey()), String.valueOf(v));
      }
    }
    return out;
  }

  /** An integer value as HCL or JSON decoding leaves it (Integer, Long, integral Double). */
  static Integer asInt(Object value) {
    if (value instanceof Integer i) {
      return i;
    }
    if (value instanceof Long l && l == l.intValue()) {
      return l.intValue();
    }
    if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
      return d.intValue();
    }
    return null;
  }
}
