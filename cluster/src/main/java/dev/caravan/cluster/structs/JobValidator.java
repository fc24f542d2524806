package dev.caravan.cluster.structs;

import java.util.ArrayList;
import java.util.List;

/**
 * Nomad's validation rules for a defaulted job, as pure checks. Every error carries the path
 * of the offending value ({@code job.web.group.api.task.server.resources.memory}) so that the
 * jobspec can turn it into {@code file:line:column} and the API into a message naming the
 * field. All errors come together, never only the first.
 */
public final class JobValidator {
  private JobValidator() {}

  /** One rule a job breaks: where, and what. */
  public record Violation(String path, String message) {
    @Override
    public String toString() {
      return path + ": " + message;
    }
  }

  /** Every rule the job breaks, in a stable order; empty when the job is valid. */
  public static List<Violation> validate(Job job) {
    List<Violation> errors = new ArrayList<>();
    if (job.id() == null || job.id().isBlank()) {
      errors.add(new Violation("job", "missing job ID"));
    }
    return errors;
  }
}
