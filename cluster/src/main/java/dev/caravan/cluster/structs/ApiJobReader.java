package dev.caravan.cluster.structs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a job as Nomad's HTTP API receives it (the object under {@code "Job"} in
 * {@code PUT /v1/jobs} and {@code /v1/job/:id/plan}): Nomad's clients leave out, or send as
 * {@code null}, every field they did not set. Such fields take Nomad's defaults
 * ({@link JobCanonicalizer}), or Go's zero value where Nomad has none; explicit values are
 * kept. The result still goes through {@link JobDefaults} and {@link JobValidator} where it is
 * registered or planned.
 *
 * <p>The binding is lenient about nulls for this input only: the shared {@link NomadJson}
 * mapper, which reads the Raft log and snapshots, stays strict.
 */
public final class ApiJobReader {
  private ApiJobReader() {}

  private static final ObjectMapper LENIENT = NomadJson.configure(JsonMapper.builder())
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  /**
   * The job in {@code node}.
   *
   * @throws InvalidJobException when a field Nomad requires is missing, a value has the wrong
   *     type, or an explicit value would be hidden by a default (a CPU of 0); its message names
   *     the field as {@code Job.TaskGroups[0].Tasks[0].Driver}
   */
  public static Job read(JsonNode node) throws InvalidJobException {
    if (!(node instanceof ObjectNode job)) {
      throw new InvalidJobException("Job: must be an object");
    }
    List<String> problems = problems(job);
    if (!problems.isEmpty()) {
      throw new InvalidJobException(String.join("; ", problems));
    }
    try {
      return LENIENT.treeToValue(JobCanonicalizer.canonicalize(job), Job.class);
    } catch (JsonMappingException e) {
      String why = e.getOriginalMessage();
      int nl = why.indexOf('\n');
      throw new InvalidJobException(path(e) + ": " + (nl < 0 ? why : why.substring(0, nl)));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new InvalidJobException("Job: " + e.getMessage());
    }
  }

  /** {@code Job.TaskGroups[0].Count} for the field Jackson could not read. */
  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder("Job");
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        path.append('.').append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /**
   * What Nomad refuses that defaults would otherwise hide: a missing ID, group or task name or
   * driver (Nomad's validation), a group or task that is not an object, and explicit zeros that
   * {@link JobDefaults} would turn into defaults (Priority, CPU without Cores, MemoryMB).
   */
  static List<String> problems(ObjectNode job) {
    List<String> out = new ArrayList<>();
    if (missing(job, "ID")) {
      out.add("Job.ID: missing");
    }
    if (zero(job, "Priority")) {
      out.add("Job.Priority: job priority must be between 1 and 100, got 0");
    }
    JsonNode groups = job.path("TaskGroups");
    for (int i = 0; groups.isArray() && i < groups.size(); i++) {
      String gPath = "Job.TaskGroups[" + i + "]";
      if (!(groups.get(i) instanceof ObjectNode g)) {
        out.add(gPath + ": must be an object");
        continue;
      }
      if (missing(g, "Name")) {
        out.add(gPath + ".Name: missing");
      }
      JsonNode tasks = g.path("Tasks");
      for (int k = 0; tasks.isArray() && k < tasks.size(); k++) {
        String tPath = gPath + ".Tasks[" + k + "]";
        if (!(tasks.get(k) instanceof ObjectNode t)) {
          out.add(tPath + ": must be an object");
          continue;
        }
        if (missing(t, "Name")) {
          out.add(tPath + ".Name: missing");
        }
        if (missing(t, "Driver")) {
          out.add(tPath + ".Driver: missing");
        }
        if (t.get("Resources") instanceof ObjectNode r) {
          if (zero(r, "CPU") && (JobCanonicalizer.unset(r, "Cores") || zero(r, "Cores"))) {
            out.add(tPath + ".Resources.CPU: cpu must be >= 1 MHz, got 0");
          }
          if (zero(r, "MemoryMB")) {
            out.add(tPath + ".Resources.MemoryMB: memory must be >= 10 MiB, got 0");
          }
        }
      }
    }
    return out;
  }

  /** Unset, or an empty string: what Nomad's validation calls missing. */
  private static boolean missing(ObjectNode n, String field) {
    return JobCanonicalizer.unset(n, field)
        || (n.get(field).isTextual() && n.get(field).asText().isBlank());
  }

  private static boolean zero(ObjectNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isNumber() && v.asDouble() == 0;
  }

  /** A job Nomad's API would refuse; the message names the field. */
  public static final class InvalidJobException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidJobException(String message) {
      super(message);
    }
  }
}
