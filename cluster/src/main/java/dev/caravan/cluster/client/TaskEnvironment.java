package dev.caravan.cluster.client;

import dev.caravan.cluster.structs.AllocatedPort;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task's environment with Nomad's variable names (and Caravan's {@code CARAVAN_*} twins),
 * and {@code ${NOMAD_*}} / {@code ${env.X}} interpolation of the task's config.
 */
final class TaskEnvironment {
  private static final Pattern REF = Pattern.compile("\\$\\{([^}]+)}");

  private TaskEnvironment() {}

  static Map<String, String> of(Allocation alloc, Task task, Path allocDir, Path taskDir) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("NOMAD_ALLOC_ID", alloc.id());
    env.put("NOMAD_ALLOC_NAME", alloc.name());
    env.put("NOMAD_ALLOC_INDEX", Integer.toString(alloc.index()));
    env.put("NOMAD_JOB_ID", alloc.jobId());
    env.put("NOMAD_JOB_NAME", alloc.job().name());
    env.put("NOMAD_GROUP_NAME", alloc.taskGroup());
    env.put("NOMAD_TASK_NAME", task.name());
    env.put("NOMAD_NAMESPACE", alloc.namespace());
    env.put("NOMAD_REGION", alloc.job().region());
    env.put("NOMAD_DC", "");
    env.put("NOMAD_ALLOC_DIR", allocDir.resolve("alloc").toString());
    env.put("NOMAD_TASK_DIR", taskDir.resolve("local").toString());
    env.put("NOMAD_SECRETS_DIR", taskDir.resolve("secrets").toString());
    if (task.resources() != null) {
      env.put("NOMAD_CPU_LIMIT", Integer.toString(task.resources().cpu()));
      env.put("NOMAD_MEMORY_LIMIT", Integer.toString(task.resources().memoryMb()));
    }
    if (alloc.allocatedResources() != null) {
      for (AllocatedPort p : alloc.allocatedResources().ports()) {
        String ip = p.hostIp() == null ? "127.0.0.1" : p.hostIp();
        env.put("NOMAD_PORT_" + p.label(), Integer.toString(p.value()));
        env.put("NOMAD_HOST_PORT_" + p.label(), Integer.toString(p.value()));
        env.put("NOMAD_IP_" + p.label(), ip);
        env.put("NOMAD_ADDR_" + p.label(), ip + ":" + p.value());
      }
    }
    alloc.job().meta().forEach((k, v) -> putMeta(env, k, v));
    task.meta().forEach((k, v) -> putMeta(env, k, v));
    Map<String, String> twins = new LinkedHashMap<>();
    env.forEach((k, v) -> twins.put("CARAVAN_" + k.substring("NOMAD_".length()), v));
    env.putAll(twins);
    task.env().forEach((k, v) -> env.put(k, interpolate(v, env)));
    return env;
  }

  /** As Nomad: {@code NOMAD_META_<key>} and its upper-case twin (a dispatch's meta lands here). */
  private static void putMeta(Map<String, String> env, String key, String value) {
    env.put("NOMAD_META_" + key, value);
    env.put("NOMAD_META_" + key.toUpperCase(Locale.ROOT), value);
  }

  /** Replaces {@code ${NOMAD_X}} and {@code ${env.X}} in every string of a config tree. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> interpolate(Map<String, Object> config, Map<String, String> env) {
    Map<String, Object> out = new LinkedHashMap<>();
    config.forEach((k, v) -> out.put(k, interpolateValue(v, env)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object interpolateValue(Object v, Map<String, String> env) {
    if (v instanceof String s) {
      return interpolate(s, env);
    }
    if (v instanceof Map<?, ?> m) {
      return interpolate((Map<String, Object>) m, env);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) {
        out.add(interpolateValue(o, env));
      }
      return out;
    }
    return v;
  }

  static String interpolate(String s, Map<String, String> env) {
    Matcher m = REF.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String key = m.group(1).trim();
      String name = key.startsWith("env.") ? key.substring(4) : key;
      String value = env.get(name);
      if (value == null && key.startsWith("NOMAD_")) {
        value = env.get(key.toUpperCase(Locale.ROOT));
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
