package dev.caravan.reconciler.jobspec;

import dev.caravan.drivers.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads HCL4j's map tree strictly: shapes (a block, repeated blocks, labeled blocks), values
 * with HCL2's conversions (a numeric string is a number, a number is a string), and every
 * problem as a {@link JobspecError} at the position the scanner recorded for its path, or
 * the nearest recorded ancestor. Collects errors instead of stopping at the first.
 */
abstract class TreeReader {

  private static final Pattern INHERITED = Pattern.compile(
      "(job\\.[^.]+)\\.group\\.[^.]+\\.(update|reschedule|migrate)(\\..*)?");
  private static final Pattern REF = Pattern.compile("\\$\\{(var|local)\\.([A-Za-z0-9_-]+)}");

  private final String file;
  private final Map<String, HclScanner.Pos> positions;
  private final HclScanner.Pos fallback;
  private final Map<String, String> vars;
  private final Map<String, String> locals;
  private final List<JobspecError> errors = new ArrayList<>();
  private final Set<String> undefined = new TreeSet<>();

  TreeReader(String file, Map<String, HclScanner.Pos> positions, HclScanner.Pos fallback,
      Map<String, String> vars, Map<String, String> locals) {
    this.file = file;
    this.positions = positions;
    this.fallback = fallback;
    this.vars = vars;
    this.locals = locals;
  }

  final List<JobspecError> errors() {
    return errors;
  }

  /** One error per {@code ${var.NAME}} or {@code ${local.NAME}} that names nothing. */
  final void reportUndefinedReferences() {
    for (String name : undefined) {
      errors.add(new JobspecError(file, fallback.line(), fallback.column(), name,
          "undefined " + name + ": declare it with a " + (name.startsWith("var.")
              ? "variable block or pass a value with -var" : "locals block")));
    }
  }

  /** An error at the position of {@code path}, else of its nearest recorded ancestor. */
  final JobspecError error(String path, String message) {
    HclScanner.Pos p = positions.get(path);
    Matcher inherited = INHERITED.matcher(path);
    if (p == null && inherited.matches()) {
      // A group's block copied from the job's: point at the job's block.
      String q = inherited.group(1) + "." + inherited.group(2);
      p = positions.get(q + (inherited.group(3) == null ? "" : inherited.group(3)));
      p = p == null ? positions.get(q) : p;
    }
    for (String q = path; q != null && p == null; ) {
      p = positions.get(q);
      int dot = q.lastIndexOf('.');
      q = dot < 0 ? null : q.substring(0, dot);
    }
    if (p == null) {
      p = fallback;
    }
    return new JobspecError(file, p.line(), p.column(), path, message);
  }

  final void fail(String path, String message) {
    errors.add(error(path, message));
  }

  // ---- shapes -------------------------------------------------------------------------------

  /** Labeled blocks: HCL4j gives {label: body} for one or many, or a list of such maps. */
  @SuppressWarnings("unchecked")
  final Map<String, Map<String, Object>> labeled(Object v, String path) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    List<Object> parts = v instanceof List<?> l ? (List<Object>) l : List.of(v);
    for (Object part : parts) {
      if (!(part instanceof Map<?, ?> m)) {
        fail(path, "expected labeled blocks: " + lastSegment(path) + " \"NAME\" { ... }");
        continue;
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (e.getValue() instanceof Map<?, ?> body) {
          out.putIfAbsent(String.valueOf(e.getKey()), (Map<String, Object>) body);
        } else {
          fail(path, "expected labeled blocks: " + lastSegment(path) + " \"NAME\" { ... }");
        }
      }
    }
    return out;
  }

  /** Unlabeled blocks that may repeat ({@code constraint}): one is a map, several a list. */
  @SuppressWarnings("unchecked")
  final List<Map<String, Object>> repeated(Object v, String path) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object part : v instanceof List<?> l ? (List<Object>) l : List.of(v)) {
      if (part instanceof Map<?, ?> m) {
        out.add((Map<String, Object>) m);
      } else {
        fail(path, "expected a block: " + lastSegment(path) + " { ... }");
      }
    }
    return out;
  }

  /** A block that may appear once. */
  @SuppressWarnings("unchecked")
  final Map<String, Object> block(Object v, String path) {
    if (v instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    if (v instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(x -> x instanceof Map<?, ?>)) {
      fail(path, "block \"" + lastSegment(path) + "\" is repeated: only one is allowed");
    } else {
      fail(path, "expected a block: " + lastSegment(path) + " { ... }, got " + kindOf(v));
    }
    return Map.of();
  }

  /**
   * Checks the keys of a block: each must be allowed or named in {@code unsupported} (key to
   * the reason Caravan refuses it); anything else is unknown, with a did-you-mean hint.
   */
  final void checkKeys(Map<String, Object> body, Set<String> allowed, Map<String, String> unsupported,
      String path, String kind) {
    for (String key : body.keySet()) {
      if (allowed.contains(key)) {
        continue;
      }
      String reason = unsupported.get(key);
      if (reason != null) {
        fail(path + "." + key, reason.startsWith("!") ? reason.substring(1)
            : "\"" + key + "\" in a " + kind + " is not supported by Caravan" + reason);
        continue;
      }
      Set<String> known = new TreeSet<>(allowed);
      known.addAll(unsupported.keySet());
      String hint = suggestion(key, known);
      fail(path + "." + key, "unknown attribute or block \"" + key + "\" in " + kind
          + (hint == null ? "" : "; did you mean \"" + hint + "\"?"));
    }
  }

  static String suggestion(String key, Set<String> allowed) {
    String best = null;
    int bestDistance = 3;
    for (String a : allowed.stream().sorted().toList()) {
      int d = levenshtein(key, a);
      if (d < bestDistance) {
        best = a;
        bestDistance = d;
      }
    }
    return best;
  }

  static int levenshtein(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 3 || a.length() > 64 || b.length() > 64) {
      return Integer.MAX_VALUE;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  // ---- values -------------------------------------------------------------------------------

  /** A string; numbers and booleans convert, as HCL2 converts them to a string attribute. */
  final String str(Object v, String path) {
    if (v instanceof String s) {
      return text(s);
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(number(v));
    }
    fail(path, lastSegment(path) + " must be a string, got " + kindOf(v));
    return null;
  }

  final String str(Map<String, Object> body, String key, String path, String otherwise) {
    return body.containsKey(key) ? str(body.get(key), path + "." + key) : otherwise;
  }

  /** A whole number; a string holding one converts, as in HCL2. */
  final int integer(Object v, String path) {
    Object n = v;
    if (v instanceof String s) {
      try {
        n = Double.parseDouble(text(s).strip());
      } catch (NumberFormatException e) {
        fail(path, lastSegment(path) + " must be a number, got \"" + text(s) + "\"");
        return 0;
      }
    }
    if (n instanceof Number num) {
      double d = num.doubleValue();
      if (d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE) {
        return (int) d;
      }
      fail(path, lastSegment(path) + " must be a whole number, got " + number(num));
      return 0;
    }
    fail(path, lastSegment(path) + " must be a number, got " + kindOf(v));
    return 0;
  }

  final int integer(Map<String, Object> body, String key, String path, int otherwise) {
    return body.containsKey(key) ? integer(body.get(key), path + "." + key) : otherwise;
  }

  /** true or false; the strings "true" and "false" convert, as in HCL2. */
  final boolean bool(Object v, String path) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (text(s).equals("true") || text(s).equals("false"))) {
      return Boolean.parseBoolean(text(s));
    }
    fail(path, lastSegment(path) + " must be true or false, got " + kindOf(v));
    return false;
  }

  final boolean bool(Map<String, Object> body, String key, String path, boolean otherwise) {
    return body.containsKey(key) ? bool(body.get(key), path + "." + key) : otherwise;
  }

  final List<String> strings(Object v, String path) {
    if (v instanceof List<?> l) {
      List<String> out = new ArrayList<>();
      for (Object o : l) {
        if (o instanceof String || o instanceof Number || o instanceof Boolean) {
          out.add(str(o, path));
        } else {
          fail(path, lastSegment(path) + " must be a list of strings, got an element that is "
              + kindOf(o));
        }
      }
      return out;
    }
    fail(path, lastSegment(path) + " must be a list of strings, got " + kindOf(v));
    return List.of();
  }

  final List<String> strings(Map<String, Object> body, String key, String path) {
    return body.containsKey(key) ? strings(body.get(key), path + "." + key) : List.of();
  }

  /** A map of strings: a block {@code meta { k = "v" }} or an attribute {@code meta = {...}}. */
  final Map<String, String> stringMap(Object v, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    Object body = v instanceof List<?> l && l.size() == 1 ? l.get(0) : v;
    if (!(body instanceof Map<?, ?> m)) {
      fail(path, lastSegment(path) + " must be a map of strings, got " + kindOf(v));
      return out;
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      Object o = e.getValue();
      String key = String.valueOf(e.getKey());
      if (o instanceof String || o instanceof Number || o instanceof Boolean) {
        out.put(text(key), str(o, path + "." + key));
      } else {
        fail(path + "." + key, key + " must be a string, got " + kindOf(o));
      }
    }
    return out;
  }

  final Map<String, String> stringMap(Map<String, Object> body, String key, String path) {
    return body.containsKey(key) ? stringMap(body.get(key), path + "." + key) : Map.of();
  }

  /** Free-form values: strings restored, whole numbers as Integer or Long, maps and lists deep. */
  final Object freeForm(Object v, String path) {
    if (v instanceof String s) {
      return text(s);
    }
    if (v instanceof Number || v instanceof Boolean) {
      return number(v);
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(text(String.valueOf(k)), freeForm(x, path + "." + k)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) {
        out.add(freeForm(x, path));
      }
      return out;
    }
    if (v == null) {
      return null;
    }
    fail(path, lastSegment(path) + " holds an expression that cannot be evaluated here");
    return null;
  }

  static Object number(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      if (d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE) {
        return d.intValue();
      }
      if (d >= Long.MIN_VALUE && d <= Long.MAX_VALUE) {
        return d.longValue();
      }
    }
    return v;
  }

  final Duration duration(Object v, String path) {
    if (v instanceof Number n && n.doubleValue() == 0) {
      return Duration.ZERO;
    }
    String s = str(v, path);
    if (s == null) {
      return null;
    }
    Duration d = parseDuration(s);
    if (d == null) {
      fail(path, lastSegment(path) + " must be a duration like \"30s\", \"1h30m\" or \"500ms\", got \""
          + s + "\"");
    }
    return d;
  }

  final Duration duration(Map<String, Object> body, String key, String path, Duration otherwise) {
    return body.containsKey(key) ? duration(body.get(key), path + "." + key) : otherwise;
  }

  /** Go's duration syntax ({@code 1h30m}, {@code 500ms}, {@code 1.5s}); null when malformed. */
  static Duration parseDuration(String s) {
    try {
      return GoDuration.parse(s);
    } catch (IllegalArgumentException | ArithmeticException e) {
      return null;
    }
  }

  /**
   * Restores the runtime interpolations hidden from HCL4j and applies {@code ${var.NAME}} and
   * {@code ${local.NAME}} left in places HCL4j does not interpolate (heredocs).
   */
  final String text(String s) {
    String restored = s.indexOf(Jobspec.DOLLAR_SENTINEL) < 0 ? s
        : s.replace(Jobspec.DOLLAR_SENTINEL, '$');
    if (!restored.contains("${var.") && !restored.contains("${local.")) {
      return restored;
    }
    Matcher m = REF.matcher(restored);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = (m.group(1).equals("var") ? vars : locals).get(m.group(2));
      if (value == null) {
        undefined.add(m.group(1) + "." + m.group(2));
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static String kindOf(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof List<?>) {
      return "a list";
    }
    if (v instanceof Map<?, ?>) {
      return "a block or object";
    }
    return "an expression that cannot be evaluated here";
  }

  static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
