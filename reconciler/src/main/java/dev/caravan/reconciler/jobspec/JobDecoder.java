package dev.caravan.reconciler.jobspec;

import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NetworkResource;
import dev.caravan.cluster.structs.ParameterizedJobConfig;
import dev.caravan.cluster.structs.PeriodicConfig;
import dev.caravan.cluster.structs.Port;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Service;
import dev.caravan.cluster.structs.ServiceCheck;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.UpdateStrategy;
import dev.caravan.drivers.GoDuration;
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
      "namespace", "priority", "meta", "group", "all_at_once", "node_pool", "update", "constraint",
      "periodic", "parameterized");
  private static final Set<String> GROUP_KEYS = Set.of("count", "meta", "task", "update", "constraint",
      "network", "service");
  private static final Set<String> TASK_KEYS = Set.of("driver", "config", "env", "meta",
      "resources", "kill_timeout", "kill_signal", "user", "leader", "constraint", "service");
  private static final Set<String> RESOURCES_KEYS = Set.of("cpu", "memory", "memory_max",
      "cores");
  /** Nomad blocks Caravan's jobspec does not decode yet: refused rather than dropped. */
  private static final Set<String> UPDATE_KEYS = Set.of("max_parallel", "health_check",
      "min_healthy_time", "healthy_deadline", "progress_deadline", "auto_revert", "auto_promote",
      "canary", "stagger", "revert_skips_canary");
  private static final Set<String> CONSTRAINT_KEYS = Set.of("attribute", "operator", "value");
  private static final Set<String> PERIODIC_KEYS = Set.of("cron", "crons", "prohibit_overlap",
      "time_zone", "enabled");
  private static final Set<String> PARAMETERIZED_KEYS = Set.of("payload", "meta_required",
      "meta_optional");
  private static final Set<String> NETWORK_KEYS = Set.of("mode", "mbits", "port");
  private static final Set<String> SERVICE_KEYS = Set.of("name", "port", "tags", "provider",
      "check");
  private static final Set<String> CHECK_KEYS = Set.of("name", "type", "path", "protocol",
      "port", "command", "args", "interval", "timeout");
  private static final Set<String> CHECK_TYPES = Set.of("http", "tcp", "script", "grpc");
  private static final Set<String> PORT_KEYS = Set.of("static", "to", "host_network");
  private static final Set<String> NOT_YET = Set.of("affinity",
      "spread", "multiregion", "restart",
      "reschedule", "ephemeral_disk", "volume", "artifact", "template", "lifecycle", "logs",
      "dispatch_payload", "vault", "identity", "scaling", "migrate", "consul");

  private static final Pattern VAR_REF = Pattern.compile("\\$\\{var\\.([A-Za-z0-9_-]+)}");

  private final String file;
  private final Map<String, HclScanner.Pos> positions;
  private final HclScanner.Pos jobPos;
  private final Map<String, String> vars;
  private final List<JobspecError> errors = new ArrayList<>();
  private final java.util.Set<String> undefinedVariables = new java.util.TreeSet<>();
  /** The job-level update block: a group's update block overrides only the fields it names. */
  private UpdateStrategy jobUpdate;

  JobDecoder(String file, Map<String, HclScanner.Pos> positions, HclScanner.Pos jobPos,
      Map<String, String> vars) {
    this.file = file;
    this.positions = positions;
    this.jobPos = jobPos;
    this.vars = vars;
  }

  /** One error per {@code ${var.NAME}} that names no variable, at the job block. */
  void reportUndefinedVariables() {
    for (String name : undefinedVariables) {
      errors.add(new JobspecError(file, jobPos.line(), jobPos.column(), "var." + name,
          "undefined variable var." + name + ": declare it with a variable block or pass a value"));
    }
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
    ifPresent(body, "update", path, v -> b.update(jobUpdate = update(v, path + ".update")));
    ifPresent(body, "constraint", path, v -> b.constraints(constraints(v, path + ".constraint")));
    ifPresent(body, "periodic", path, v -> b.periodic(periodic(v, path + ".periodic")));
    ifPresent(body, "parameterized", path,
        v -> b.parameterizedJob(parameterized(v, path + ".parameterized")));
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
    ifPresent(body, "update", path, v -> b.update(update(v, path + ".update")));
    ifPresent(body, "constraint", path, v -> b.constraints(constraints(v, path + ".constraint")));
    ifPresent(body, "network", path, v -> b.networks(networks(v, path + ".network")));
    ifPresent(body, "service", path, v -> b.services(services(v, path + ".service", null)));
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
    ifPresent(body, "constraint", path, v -> b.constraints(constraints(v, path + ".constraint")));
    ifPresent(body, "service", path, v -> b.services(services(v, path + ".service", name)));
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

  /** Unset fields take Nomad's defaults: a partial block overrides only what it names. */
  private UpdateStrategy update(Object v, String path) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, UPDATE_KEYS, path, "update");
    UpdateStrategy d = jobUpdate != null ? jobUpdate : UpdateStrategy.defaults();
    return new UpdateStrategy(
        body.containsKey("stagger") ? duration(body.get("stagger"), path + ".stagger") : d.stagger(),
        body.containsKey("max_parallel") ? integer(body.get("max_parallel"), path + ".max_parallel") : d.maxParallel(),
        body.containsKey("health_check") ? str(body.get("health_check"), path + ".health_check") : d.healthCheck(),
        body.containsKey("min_healthy_time") ? duration(body.get("min_healthy_time"), path + ".min_healthy_time") : d.minHealthyTime(),
        body.containsKey("healthy_deadline") ? duration(body.get("healthy_deadline"), path + ".healthy_deadline") : d.healthyDeadline(),
        body.containsKey("progress_deadline") ? duration(body.get("progress_deadline"), path + ".progress_deadline") : d.progressDeadline(),
        body.containsKey("auto_revert") ? bool(body.get("auto_revert"), path + ".auto_revert") : d.autoRevert(),
        body.containsKey("auto_promote") ? bool(body.get("auto_promote"), path + ".auto_promote") : d.autoPromote(),
        body.containsKey("canary") ? integer(body.get("canary"), path + ".canary") : d.canary(),
        body.containsKey("revert_skips_canary")
            ? bool(body.get("revert_skips_canary"), path + ".revert_skips_canary")
            : d.revertSkipsCanary());
  }

  private List<Constraint> constraints(Object v, String path) {
    List<Constraint> out = new ArrayList<>();
    for (Map<String, Object> body : repeated(v, path)) {
      checkKeys(body, CONSTRAINT_KEYS, path, "constraint");
      String attribute = body.containsKey("attribute") ? str(body.get("attribute"), path + ".attribute") : "";
      String operator = body.containsKey("operator") ? str(body.get("operator"), path + ".operator") : "=";
      Object value = body.get("value");
      String rTarget = value == null ? "" : value instanceof String s ? text(s) : String.valueOf(number(value));
      out.add(new Constraint(attribute, rTarget, operator));
    }
    return out;
  }

  /** {@code service} blocks; provider defaults to Nomad's own catalogue ("nomad"). */
  private List<Service> services(Object v, String path, String taskName) {
    List<Service> out = new ArrayList<>();
    for (Map<String, Object> body : repeated(v, path)) {
      checkKeys(body, SERVICE_KEYS, path, "service");
      List<ServiceCheck> checks = new ArrayList<>();
      if (body.containsKey("check")) {
        for (Map<String, Object> c : repeated(body.get("check"), path + ".check")) {
          checks.add(check(c, path + ".check"));
        }
      }
      out.add(new Service(
          body.containsKey("name") ? str(body.get("name"), path + ".name") : null,
          body.containsKey("port") ? portLabel(body.get("port"), path + ".port") : null,
          body.containsKey("tags") ? strings(body.get("tags"), path + ".tags") : List.of(),
          body.containsKey("provider") ? str(body.get("provider"), path + ".provider") : "nomad",
          taskName, checks));
    }
    return out;
  }

  private ServiceCheck check(Map<String, Object> body, String path) {
    checkKeys(body, CHECK_KEYS, path, "check");
    String type = body.containsKey("type") ? str(body.get("type"), path + ".type") : null;
    if (type == null || !CHECK_TYPES.contains(type)) {
      fail(path + ".type", "check type must be one of grpc, http, script, tcp, got "
          + (type == null ? "nothing" : "\"" + type + "\""));
    }
    return new ServiceCheck(
        body.containsKey("name") ? str(body.get("name"), path + ".name") : null,
        type,
        body.containsKey("path") ? str(body.get("path"), path + ".path") : null,
        body.containsKey("protocol") ? str(body.get("protocol"), path + ".protocol") : null,
        body.containsKey("port") ? portLabel(body.get("port"), path + ".port") : null,
        body.containsKey("command") ? str(body.get("command"), path + ".command") : null,
        body.containsKey("args") ? strings(body.get("args"), path + ".args") : List.of(),
        body.containsKey("interval") ? duration(body.get("interval"), path + ".interval") : Duration.ofSeconds(10),
        body.containsKey("timeout") ? duration(body.get("timeout"), path + ".timeout") : Duration.ofSeconds(2));
  }

  /** A port is named by its label ("http") or given as a number. */
  private String portLabel(Object v, String path) {
    return v instanceof Number ? String.valueOf(number(v)) : str(v, path);
  }

  private PeriodicConfig periodic(Object v, String path) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, PERIODIC_KEYS, path, "periodic");
    List<String> specs = body.containsKey("crons") ? strings(body.get("crons"), path + ".crons") : List.of();
    String spec = body.containsKey("cron") ? str(body.get("cron"), path + ".cron") : null;
    if (spec == null && specs.isEmpty()) {
      fail(path, "periodic needs cron or crons");
    }
    return new PeriodicConfig(
        !body.containsKey("enabled") || bool(body.get("enabled"), path + ".enabled"),
        spec, specs, "cron",
        body.containsKey("prohibit_overlap") && bool(body.get("prohibit_overlap"), path + ".prohibit_overlap"),
        body.containsKey("time_zone") ? str(body.get("time_zone"), path + ".time_zone") : "UTC");
  }

  private ParameterizedJobConfig parameterized(Object v, String path) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, PARAMETERIZED_KEYS, path, "parameterized");
    String payload = body.containsKey("payload") ? str(body.get("payload"), path + ".payload")
        : ParameterizedJobConfig.PAYLOAD_OPTIONAL;
    if (payload != null && !Set.of(ParameterizedJobConfig.PAYLOAD_OPTIONAL,
        ParameterizedJobConfig.PAYLOAD_REQUIRED, ParameterizedJobConfig.PAYLOAD_FORBIDDEN).contains(payload)) {
      fail(path + ".payload", "payload must be optional, required or forbidden, got \"" + payload + "\"");
    }
    return new ParameterizedJobConfig(payload,
        body.containsKey("meta_required") ? strings(body.get("meta_required"), path + ".meta_required") : List.of(),
        body.containsKey("meta_optional") ? strings(body.get("meta_optional"), path + ".meta_optional") : List.of());
  }

  private List<NetworkResource> networks(Object v, String path) {
    List<NetworkResource> out = new ArrayList<>();
    for (Map<String, Object> body : repeated(v, path)) {
      checkKeys(body, NETWORK_KEYS, path, "network");
      List<Port> reserved = new ArrayList<>();
      List<Port> dynamic = new ArrayList<>();
      for (Map.Entry<String, Map<String, Object>> p : labeled(body.get("port"), path + ".port").entrySet()) {
        String portPath = path + ".port." + p.getKey();
        Map<String, Object> pb = p.getValue();
        checkKeys(pb, PORT_KEYS, portPath, "port");
        int value = pb.containsKey("static") ? integer(pb.get("static"), portPath + ".static") : 0;
        int to = pb.containsKey("to") ? integer(pb.get("to"), portPath + ".to") : 0;
        String hostNetwork = pb.containsKey("host_network")
            ? str(pb.get("host_network"), portPath + ".host_network") : "default";
        Port port = new Port(p.getKey(), value, to, hostNetwork);
        (value > 0 ? reserved : dynamic).add(port);
      }
      out.add(new NetworkResource(
          body.containsKey("mode") ? str(body.get("mode"), path + ".mode") : "host",
          null, null, null,
          body.containsKey("mbits") ? integer(body.get("mbits"), path + ".mbits") : 0,
          reserved, dynamic));
    }
    return out;
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

  /** Unlabeled blocks that may repeat ({@code constraint}): one is a map, several a list. */
  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> repeated(Object v, String path) {
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
    try {
      return GoDuration.parse(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Restores the interpolations hidden from HCL4j and applies {@code ${var.NAME}}. */
  private String text(String s) {
    String restored = s.replace(Jobspec.DOLLAR_SENTINEL, '$');
    if (!restored.contains("${var.")) {
      return restored;
    }
    Matcher m = VAR_REF.matcher(restored);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = vars.get(m.group(1));
      if (value == null) {
        undefinedVariables.add(m.group(1));
      }
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
