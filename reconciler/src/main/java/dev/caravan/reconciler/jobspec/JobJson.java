package dev.caravan.reconciler.jobspec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import java.util.Map;

/**
 * A job as the body of Nomad's {@code POST /v1/jobs}: {@code {"Job": {...}}} with Nomad's
 * field names, durations as integer nanoseconds and absent blocks as {@code null}; what
 * {@code nomad job run -output} prints. {@code fromApiJson(toApiJson(job))} equals {@code job}.
 */
public final class JobJson {
  private JobJson() {}

  private static final ObjectMapper JSON = NomadJson.mapper();

  /** The request body, pretty-printed. */
  public static String toApiJson(Job job) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("Job", job));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a job always serializes", e);
    }
  }

  /**
   * Reads a request body ({@code {"Job": {...}}}) or a bare job object.
   *
   * @throws IllegalArgumentException when the text is not a job in Nomad's JSON
   */
  public static Job fromApiJson(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      JsonNode job = root != null && root.has("Job") ? root.get("Job") : root;
      if (job == null || !job.isObject()) {
        throw new IllegalArgumentException("expected {\"Job\": {...}}");
      }
      return JSON.treeToValue(job, Job.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a job in Nomad's JSON: " + e.getOriginalMessage(), e);
    }
  }
}
