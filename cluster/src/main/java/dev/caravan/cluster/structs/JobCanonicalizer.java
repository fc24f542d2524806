package dev.caravan.cluster.structs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Nomad's defaults for a job as its HTTP API receives it: what the Go {@code api} package's
 * {@code Canonicalize} methods give a field the client left out or sent as {@code null}
 * ({@code Count} 1, {@code Priority} 50, {@code CPU} 100, {@code MemoryMB} 300,
 * {@code KillTimeout} 5s, partial {@code Update} / {@code RestartPolicy} / ... blocks completed
 * from the job's or the job type's defaults). It works on the JSON tree because only there an
 * absent field can still be told from an explicit zero, which is kept.
 *
 * <p>Go's encoding writes a string or duration it has no pointer for as {@code ""} or 0 where
 * Caravan's jobs hold null for "not set" (a task's {@code User}, {@code KillSignal},
 * {@code ShutdownDelay}, a network's {@code IP}, a template's {@code SourcePath}, ...): those
 * are read as unset, so that a job sent by a Nomad client equals the one its HCL decodes to
 * and re-sending it is no destructive update.
 *
 * <p>Default values come from the records' own factories ({@link UpdateStrategy#defaults()},
 * {@link RestartPolicy#serviceDefaults()}, ...), the ones the HCL decoder merges over, so a
 * job reads the same from HCL and from JSON. Fields of the wrong kind are left as they are for
 * the binding to report; fields Nomad leaves at their Go zero value are left out. Pure.
 */
final class JobCanonicalizer {
  private JobCanonicalizer() {}

  private static final ObjectMapper JSON = NomadJson.mapper();

  static final int DEFAULT_PRIORITY = 50;
  static final int DEFAULT_WEIGHT = 50;
  static final long KILL_TIMEOUT = Duration.ofSeconds(5).toNanos();
  static final long CHECK_RESTART_GRACE = Duration.ofSeconds(1).toNanos();
  static final long TEMPLATE_SPLAY = Duration.ofSeconds(5).toNanos();

  /**
   * A canonical copy of {@code job} (the object under {@code "Job"}); the argument is unchanged.
   */
  static ObjectNode canonicalize(ObjectNode job) {
    ObjectNode j = job.deepCopy();
    setIfUnset(j, "Type", Job.TYPE_SERVICE);
    // As JobDefaults: a blank type is a service job's.
    String type = j.path("Type").asText().isBlank() ? Job.TYPE_SERVICE : j.path("Type").asText();
    if (unset(j, "Name") && j.path("ID").isTextual()) {
      j.put("Name", j.get("ID").asText());
    }
    setIfUnset(j, "Namespace", "default");
    setIfUnset(j, "Region", "global");
    setIfUnset(j, "Priority", DEFAULT_PRIORITY);
    clearGoZeros(j, "ParentID", "Status");
    if (j.get("Update") instanceof ObjectNode update) {
      fill(update, tree(UpdateStrategy.defaults()));
    } else if (unset(j, "Update") && Job.TYPE_SERVICE.equals(type)) {
      j.set("Update", tree(UpdateStrategy.defaults()));
    }
    if (j.get("Periodic") instanceof ObjectNode periodic) {
      setIfUnset(periodic, "Enabled", true);
    }
    weights(j, "Affinities");
    weights(j, "Spreads");
    for (ObjectNode g : objects(j, "TaskGroups")) {
      group(g, j, type);
    }
    return j;
  }

  private static void group(ObjectNode g, ObjectNode job, String type) {
    if (unset(g, "Count")) {
      JsonNode min = g.path("Scaling").path("Min");
      g.put("Count", min.isIntegralNumber() ? min.asInt() : 1);
    }
    block(g, "EphemeralDisk", tree(EphemeralDisk.defaults()));
    // A group's update, reschedule and migrate blocks are the job's, with the group's own
    // fields over them. A block of the wrong kind is left for the binding to refuse.
    ObjectNode update = merged(job.get("Update"), g, "Update");
    if (update != null) {
      g.set("Update", fill(update, tree(UpdateStrategy.defaults())));
    }
    ObjectNode reschedule = merged(job.get("Reschedule"), g, "ReschedulePolicy");
    if (reschedule != null) {
      g.set("ReschedulePolicy", fill(reschedule, rescheduleDefaults(type)));
    } else if (unset(g, "ReschedulePolicy") && !Job.TYPE_SYSTEM.equals(type)
        && !Job.TYPE_SYSBATCH.equals(type)) {
      g.set("ReschedulePolicy", rescheduleDefaults(type));
    }
    ObjectNode migrate = merged(job.get("Migrate"), g, "Migrate");
    if (migrate != null) {
      g.set("Migrate", fill(migrate, tree(MigrateStrategy.defaults())));
    } else if (unset(g, "Migrate") && Job.TYPE_SERVICE.equals(type)) {
      g.set("Migrate", tree(MigrateStrategy.defaults()));
    }
    ObjectNode restart = merged(restartDefaults(type), g, "RestartPolicy");
    if (restart != null) {
      g.set("RestartPolicy", restart);
    } else {
      restart = restartDefaults(type);
    }
    weights(g, "Affinities");
    weights(g, "Spreads");
    for (ObjectNode n : objects(g, "Networks")) {
      clearGoZeros(n, "Device", "CIDR", "IP", "Hostname");
    }
    services(g, null);
    for (ObjectNode t : objects(g, "Tasks")) {
      task(t, restart);
    }
  }

  private static void task(ObjectNode t, ObjectNode groupRestart) {
    ObjectNode r = unset(t, "Resources") ? t.putObject("Resources")
        : t.get("Resources") instanceof ObjectNode o ? o : null;
    if (r != null) {
      // Cores replace the CPU default: a task asks for MHz or for whole cores.
      if (unset(r, "Cores")) {
        r.put("Cores", 0);
        setIfUnset(r, "CPU", Resources.defaults().cpu());
      }
      setIfUnset(r, "CPU", 0);
      setIfUnset(r, "MemoryMB", Resources.defaults().memoryMb());
    }
    setIfUnset(t, "KillTimeout", KILL_TIMEOUT);
    clearGoZeros(t, "User", "KillSignal", "ShutdownDelay");
    block(t, "LogConfig", tree(LogConfig.defaults()));
    ObjectNode restart = merged(groupRestart, t, "RestartPolicy");
    if (restart != null) {
      t.set("RestartPolicy", restart);
    }
    for (ObjectNode a : objects(t, "Artifacts")) {
      artifact(a);
    }
    for (ObjectNode tm : objects(t, "Templates")) {
      template(tm);
    }
    weights(t, "Affinities");
    services(t, t.path("Name").isTextual() ? t.get("Name").asText() : null);
  }

  private static void artifact(ObjectNode a) {
    setIfUnset(a, "GetterMode", "any");
    if (unset(a, "RelativeDest")) {
      String source = a.path("GetterSource").asText("");
      // A file lands under its own name in local/, anything else in local/ itself.
      a.put("RelativeDest", "file".equals(a.path("GetterMode").asText())
          ? "local/" + source.substring(source.lastIndexOf('/') + 1) : "local/");
    }
  }

  private static void template(ObjectNode tm) {
    clearGoZeros(tm, "SourcePath", "DestPath", "EmbeddedTmpl", "ChangeSignal");
    setIfUnset(tm, "ChangeMode", "restart");
    if (unset(tm, "ChangeSignal")) {
      if ("signal".equals(tm.path("ChangeMode").asText())) {
        tm.put("ChangeSignal", "SIGHUP");
      }
    } else if (tm.get("ChangeSignal").isTextual()) {
      tm.put("ChangeSignal", tm.get("ChangeSignal").asText().toUpperCase(Locale.ROOT));
    }
    setIfUnset(tm, "Splay", TEMPLATE_SPLAY);
    setIfUnset(tm, "Perms", "0644");
    setIfUnset(tm, "LeftDelim", "{{");
    setIfUnset(tm, "RightDelim", "}}");
  }

  /** Services of a group ({@code task} null) or of the task named {@code task}. */
  private static void services(ObjectNode parent, String task) {
    for (ObjectNode s : objects(parent, "Services")) {
      setIfBlank(s, "AddressMode", "auto");
      setIfBlank(s, "OnUpdate", "require_healthy");
      if (task != null) {
        setIfBlank(s, "TaskName", task);
      }
      clearGoZeros(s, "PortLabel", "Address", "TaskName");
      JsonNode serviceRestart = s.get("CheckRestart");
      for (ObjectNode c : objects(s, "Checks")) {
        clearGoZeros(c, "Path", "Protocol", "PortLabel", "Command", "Method", "Body",
            "InitialStatus", "GRPCService", "AddressMode", "TaskName");
        setIfBlank(c, "OnUpdate", s.get("OnUpdate").asText());
        JsonNode restart = checkRestart(serviceRestart, c.get("CheckRestart"));
        if (restart != null) {
          c.set("CheckRestart", restart);
        }
        for (String counter : List.of("SuccessBeforePassing", "FailuresBeforeCritical",
            "FailuresBeforeWarning")) {
          if (c.path(counter).isIntegralNumber() && c.get(counter).asLong() < 0) {
            c.put(counter, 0);
          }
        }
      }
    }
  }

  /**
   * A check's check_restart: the service's, with the check's limit (when above 0), grace (when
   * set) and ignore_warnings (when true) over it; grace 1s when neither sets one.
   */
  private static JsonNode checkRestart(JsonNode service, JsonNode check) {
    if (!(service instanceof ObjectNode s)) {
      if (check instanceof ObjectNode c) {
        setIfUnset(c, "Grace", CHECK_RESTART_GRACE);
      }
      return check;
    }
    ObjectNode merged = s.deepCopy();
    if (check instanceof ObjectNode c) {
      if (c.path("Limit").asLong() > 0) {
        merged.set("Limit", c.get("Limit"));
      }
      if (!unset(c, "Grace")) {
        merged.set("Grace", c.get("Grace"));
      }
      if (c.path("IgnoreWarnings").asBoolean(false)) {
        merged.put("IgnoreWarnings", true);
      }
    }
    setIfUnset(merged, "Grace", CHECK_RESTART_GRACE);
    return merged;
  }

  static ObjectNode restartDefaults(String type) {
    return tree(Job.TYPE_BATCH.equals(type) || Job.TYPE_SYSBATCH.equals(type)
        ? RestartPolicy.batchDefaults() : RestartPolicy.serviceDefaults());
  }

  /** Nomad's per-type reschedule defaults; every other type's is all zero. */
  static ObjectNode rescheduleDefaults(String type) {
    return tree(switch (type) {
      case Job.TYPE_SERVICE -> ReschedulePolicy.serviceDefaults();
      case Job.TYPE_BATCH -> ReschedulePolicy.batchDefaults();
      default -> new ReschedulePolicy(0, Duration.ZERO, Duration.ZERO, "", Duration.ZERO, false);
    });
  }

  /** An affinity or spread without a weight weighs 50. */
  private static void weights(ObjectNode parent, String field) {
    for (ObjectNode a : objects(parent, field)) {
      setIfUnset(a, "Weight", DEFAULT_WEIGHT);
    }
  }

  /** The block {@code field}: defaults when unset, completed from them when partial. */
  private static void block(ObjectNode parent, String field, ObjectNode defaults) {
    if (unset(parent, field)) {
      parent.set(field, defaults);
    } else if (parent.get(field) instanceof ObjectNode o) {
      fill(o, defaults);
    }
  }

  /** {@code over}'s set fields over a copy of {@code base}, or the copy when over is unset. */
  private static ObjectNode over(ObjectNode base, JsonNode over) {
    ObjectNode out = base.deepCopy();
    if (over instanceof ObjectNode o) {
      for (Map.Entry<String, JsonNode> e : iterable(o)) {
        if (!e.getValue().isNull()) {
          out.set(e.getKey(), e.getValue());
        }
      }
    }
    return out;
  }

  /**
   * Nomad's merge of an outer block ({@code outer}: the job's, or the group's for a task) with
   * {@code parent}'s own {@code field}: the outer block's copy with the own fields over it, the
   * own block when there is no outer one. Null when there is neither, or when the own value is
   * not an object (left for the binding to refuse).
   */
  private static ObjectNode merged(JsonNode outer, ObjectNode parent, String field) {
    JsonNode own = parent.get(field);
    if (own != null && !own.isNull() && !own.isObject()) {
      return null;
    }
    if (outer instanceof ObjectNode o) {
      return over(o, own);
    }
    return own instanceof ObjectNode b ? b : null;
  }

  /** Sets every field of {@code defaults} that {@code block} leaves unset; returns block. */
  private static ObjectNode fill(ObjectNode block, ObjectNode defaults) {
    for (Map.Entry<String, JsonNode> e : iterable(defaults)) {
      if (unset(block, e.getKey())) {
        block.set(e.getKey(), e.getValue());
      }
    }
    return block;
  }

  /** Absent or null: what a Go client sends for a nil pointer. */
  static boolean unset(ObjectNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull();
  }

  private static void setIfUnset(ObjectNode n, String field, Object value) {
    if (unset(n, field)) {
      n.set(field, JSON.valueToTree(value));
    }
  }

  /** Removes each of {@code fields} that holds Go's zero value, "" or 0: Caravan's unset. */
  private static void clearGoZeros(ObjectNode n, String... fields) {
    for (String f : fields) {
      JsonNode v = n.get(f);
      if (v != null && ((v.isTextual() && v.asText().isEmpty())
          || (v.isNumber() && v.asDouble() == 0))) {
        n.remove(f);
      }
    }
  }

  /** For Go strings Nomad defaults when empty. */
  private static void setIfBlank(ObjectNode n, String field, String value) {
    if (unset(n, field) || (n.get(field).isTextual() && n.get(field).asText().isEmpty())) {
      n.put(field, value);
    }
  }

  /** The objects of the array {@code field}; anything else is left for the binding to refuse. */
  private static List<ObjectNode> objects(ObjectNode parent, String field) {
    List<ObjectNode> out = new ArrayList<>();
    if (parent.path(field).isArray()) {
      for (JsonNode e : parent.get(field)) {
        if (e instanceof ObjectNode o) {
          out.add(o);
        }
      }
    }
    return out;
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(ObjectNode o) {
    return o::fields;
  }

  private static ObjectNode tree(Object value) {
    return JSON.valueToTree(value);
  }
}
