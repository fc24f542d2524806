package dev.caravan.reconciler.jobspec;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict decoding of HCL4j's map tree into the job records. Unknown keys are errors with a
 * did-you-mean hint; values of the wrong kind are errors; every error gets the position the
 * scanner recorded for its path. Collects errors instead of stopping at the first.
 */
final class JobDecoder {

  private static final Set<String> JOB_KEYS = Set.of("type", "region", "datacenters",
      "namespace", "priority", "meta", "group", "all_at_once", "node_pool");
  private static final Set<String> GROUP_KEYS = Set.of("count", "meta", "task");
  private static final Set<String> TASK_KEYS = Set.of("driver", "config", "env", "meta",
      "resources", "kill_timeout", "kill_signal", "user", "leader");
  private static final Set<String> RESOURCES_KEYS = Set.of("cpu", "memory", "memory_max",
      "cores");
  /** Nomad blocks Caravan's jobspec does not decode yet: refused rather than dropped. */
  private static final Set<String> NOT_YET = Set.of("update", "constraint", "affinity",
      "spread", "periodic", "parameterized", "multiregion", "network", "service", "restart",
      "reschedule", "ephemeral_disk", "volume", "artifact", "template", "lifecycle", "logs",
      "dispatch_payload", "vault", "identity", "scaling", "migrate", "consul");

  private static final Pattern DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
  private static final Pattern VAR_REF = Pattern.compile("\\$\\{var\\.([A-Za-z0-9_-]+)}");

  private final String file;
  private final Map<String, HclScanner.Pos> positions;
  private final HclScanner.Pos jobPos;
  private final Map<String, String> vars;
  private final List<JobspecError> errors = new ArrayList<>();

  JobDecoder(String file, Map<String, HclScanner.Pos> positions, HclScanner.Pos jobPos,
      Map<String, String> vars) {
    this.file = file;
    this.positions = positions;
    this.jobPos = jobPos;
    this.vars = vars;
  }

  List<JobspecError> errors() {
    return errors;
  }

  /** An error at the position of {@code path}, else of its nearest recorded ancestor. */
  JobspecError error(String path, String message) {
    HclScanner.Pos p = null;
    for (String q = path; q != null && p == null; ) {
      p = positions.get(q);
      int dot = q.lastIndexOf('.');
      q = dot < 0 ? null : q.substring(0, dot);
    }
    if (p == null) {
      p = jobPos;
    }
    return new JobspecError(file, p.line(), p.column(), path, message);
  }

  private void fail(String path, String message) {
    errors.add(error(path, message));
  }

  Job decode(Map<String, Object> root, String name) {
    Map<String, Object> body = labeled(root.get("job"), "job").getOrDefault(name, Map.of());
    String path = "job." + name;
    checkKeys(body, JOB_KEYS, path, "job");
    Job.Builder b = Job.builder().id(name).name(name);
    ifPresent(body, "type", path, v -> b.type(str(v, path + ".type")));
    ifPresent(body, "region", path, v -> b.region(str(v, path + ".region")));
    ifPresent(body, "namespace", path, v -> b.namespace(str(v, path + ".namespace")));
    ifPresent(body, "node_pool", path, v -> b.nodePool(str(v, path + ".node_pool")));
    ifPresent(body, "priority", path, v -> b.priority(integer(v, path + ".priority")));
    ifPresent(body, "all_at_once", path, v -> b.allAtOnce(bool(v, path + ".all_at_once")));
    ifPresent(body, "datacenters", path, v -> b.datacenters(strings(v, path + ".datacenters")));
    ifPresent(body, "meta", path, v -> b.meta(stringMap(v, path + ".meta")));
    List<TaskGroup> groups = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> g : labeled(body.get("group"), path + ".group").entrySet()) {
      groups.add(group(g.getKey(), g.getValue(), path + ".group." + g.getKey()));
    }
    b.taskGroups(groups);
    return b.build();
  }

  private TaskGroup group(String name, Map<String, Object> body, String path) {
    checkKeys(body, GROUP_KEYS, path, "group");
    TaskGroup.Builder b = TaskGroup.builder().name(name);
    ifPresent(body, "count", path, v -> b.count(integer(v, path + ".count")));
    ifPresent(body, "meta", path, v -> b.meta(stringMap(v, path + ".meta")));
    List<Task> tasks = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> t : labeled(body.get("task"), path + ".task").entrySet()) {
      tasks.add(task(t.getKey(), t.getValue(), path + ".task." + t.getKey()));
    }
    b.tasks(tasks);
    return b.build();
  }

  private Task task(String name, Map<String, Object> body, String path) {
    checkKeys(body, TASK_KEYS, path, "task");
    Task.Builder b = Task.builder().name(name);
    ifPresent(body, "driver", path, v -> b.driver(str(v, path + ".driver")));
    ifPresent(body, "user", path, v -> b.user(str(v, path + ".user")));
    ifPresent(body, "kill_signal", path, v -> b.killSignal(str(v, path + ".kill_signal")));
    ifPresent(body, "leader", path, v -> b.leader(bool(v, path + ".leader")));
    ifPresent(body, "kill_timeout", path, v -> b.killTimeout(duration(v, path + ".kill_timeout")));
    ifPresent(body, "env", path, v -> b.env(stringMap(v, path + ".env")));
    ifPresent(body, "meta", path, v -> b.meta(stringMap(v, path + ".meta")));
    ifPresent(body, "config", path, v -> b.config(config(v, path + ".config")));
    ifPresent(body, "resources", path, v -> b.resources(resources(v, path + ".resources")));
    return b.build();
  }

  private Resources resources(Object v, String path) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, RESOURCES_KEYS, path, "resources");
    Resources d = Resources.defaults();
    int cpu = body.containsKey("cpu") ? integer(body.get("cpu"), path + ".cpu") : d.cpu();
    int memory = body.containsKey("memory") ? integer(body.get("memory"), path + ".memory") : d.memoryMb();
    int memoryMax = body.containsKey("memory_max") ? integer(body.get("memory_max"), path + ".memory_max") : 0;
    int cores = body.containsKey("cores") ? integer(body.get("cores"), path + ".cores") : 0;
    if (cores > 0 && !body.containsKey("cpu")) {
      cpu = 0;
    }
    return new Resources(cpu, cores, memory, memoryMax, 0);
  }

  // ---- shapes -------------------------------------------------------------------------------

  private interface Setter {
    void set(Object v);
  }

  private static void ifPresent(Map<String, Object> body, String key, String path, Setter s) {
    if (body.containsKey(key)) {
      s.set(body.get(key));
    }
  }

  /** Labeled blocks: HCL4j gives {label: body} for one or many, or a list of such maps. */
  @SuppressWarnings("unchecked")
  private Map<String, Map<String, Object>> labeled(Object v, String path) {
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

  @SuppressWarnings("unchecked")
  private Map<String, Object> block(Object v, String path) {
    if (v instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    if (v instanceof List<?>) {
      fail(path, "block \"" + lastSegment(path) + "\" is repeated: only one is allowed");
    } else {
      fail(path, "expected a block: " + lastSegment(path) + " { ... }");
    }
    return Map.of();
  }

  private void checkKeys(Map<String, Object> body, Set<String> allowed, String path, String kind) {
    for (String key : body.keySet()) {
      if (allowed.contains(key)) {
        continue;
      }
      if (NOT_YET.contains(key)) {
        fail(path + "." + key, "\"" + key + "\" in a " + kind
            + " is not supported by Caravan's jobspec yet");
        continue;
      }
      String hint = suggestion(key, allowed);
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

  private String str(Object v, String path) {
    if (v instanceof String s) {
      return text(s);
    }
    fail(path, lastSegment(path) + " must be a string, got " + kindOf(v));
    return null;
  }

  private int integer(Object v, String path) {
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE) {
        return (int) d;
      }
      fail(path, lastSegment(path) + " must be a whole number, got " + n);
      return 0;
    }
    fail(path, lastSegment(path) + " must be a number, got " + kindOf(v));
    return 0;
  }

  private boolean bool(Object v, String path) {
    if (v instanceof Boolean b) {
      return b;
    }
    fail(path, lastSegment(path) + " must be true or false, got " + kindOf(v));
    return false;
  }

  private List<String> strings(Object v, String path) {
    if (v instanceof List<?> l) {
      List<String> out = new ArrayList<>();
      for (Object o : l) {
        if (o instanceof String s) {
          out.add(text(s));
        } else {
          fail(path, lastSegment(path) + " must be a list of strings, got an element " + kindOf(o));
        }
      }
      return out;
    }
    fail(path, lastSegment(path) + " must be a list of strings, got " + kindOf(v));
    return List.of();
  }

  private Map<String, String> stringMap(Object v, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : block(v, path).entrySet()) {
      Object o = e.getValue();
      if (o instanceof String s) {
        out.put(e.getKey(), text(s));
      } else if (o instanceof Number || o instanceof Boolean) {
        out.put(e.getKey(), String.valueOf(number(o)));
      } else {
        fail(path + "." + e.getKey(), e.getKey() + " must be a string, got " + kindOf(o));
      }
    }
    return out;
  }

  private Map<String, Object> config(Object v, String path) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : block(v, path).entrySet()) {
      out.put(e.getKey(), freeForm(e.getValue()));
    }
    return out;
  }

  /** Free-form values: strings restored, whole numbers as Integer or Long, maps and lists deep. */
  private Object freeForm(Object v) {
    if (v instanceof String s) {
      return text(s);
    }
    if (v instanceof Number) {
      return number(v);
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), freeForm(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) {
        out.add(freeForm(x));
      }
      return out;
    }
    return v;
  }

  private static Object number(Object v) {
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

  private Duration duration(Object v, String path) {
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

  /** Go's duration syntax ({@code 1h30m}, {@code 500ms}, {@code 1.5s}); null when malformed. */
  static Duration parseDuration(String s) {
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION_PART.matcher(s);
    int at = 0;
    long nanos = 0;
    while (at < s.length() && m.find(at) && m.start() == at) {
      double n = Double.parseDouble(m.group(1));
      long unit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos += Math.round(n * unit);
      at = m.end();
    }
    return at == s.length() && at > 0 ? Duration.ofNanos(nanos) : null;
  }

  /** Restores the interpolations hidden from HCL4j and applies {@code ${var.NAME}}. */
  private String text(String s) {
    String restored = s.replace(Jobspec.DOLLAR_SENTINEL, '$');
    if (vars.isEmpty() || !restored.contains("${var.")) {
      return restored;
    }
    Matcher m = VAR_REF.matcher(restored);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = vars.get(m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String kindOf(Object v) {
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
    return v.getClass().getSimpleName();
  }

  private static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
