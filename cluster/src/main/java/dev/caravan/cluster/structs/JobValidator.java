package dev.caravan.cluster.structs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Nomad's validation rules for a defaulted job, as pure checks. Every error carries the path
 * of the offending value ({@code job.web.group.api.task.server.resources.memory}) so that the
 * jobspec can turn it into {@code file:line:column} and the API into a message naming the
 * field. All errors come together, never only the first.
 */
public final class JobValidator {
  private JobValidator() {}

  static final Set<String> TYPES = Set.of(Job.TYPE_SERVICE, Job.TYPE_BATCH, Job.TYPE_SYSTEM,
      Job.TYPE_SYSBATCH);
  static final Set<String> DRIVERS = Set.of("docker", "exec", "raw_exec", "java", "mock");

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
    String jobPath = "job." + job.id();
    if (job.id() == null || job.id().isBlank()) {
      jobPath = "job";
      errors.add(new Violation(jobPath, "missing job ID"));
    } else if (job.id().chars().anyMatch(c -> c == ' ' || c == 0)) {
      errors.add(new Violation(jobPath, "job ID contains a space or null character"));
    }
    if (job.type() == null || !TYPES.contains(job.type())) {
      errors.add(new Violation(jobPath + ".type", "invalid job type \"" + job.type()
          + "\": must be one of batch, service, sysbatch, system"));
    }
    if (job.priority() < 1 || job.priority() > 100) {
      errors.add(new Violation(jobPath + ".priority",
          "job priority must be between 1 and 100, got " + job.priority()));
    }
    if (job.taskGroups().isEmpty()) {
      errors.add(new Violation(jobPath, "job has no task groups"));
    }
    Set<String> groupNames = new HashSet<>();
    for (TaskGroup g : job.taskGroups()) {
      String gPath = jobPath + ".group." + g.name();
      if (!groupNames.add(g.name())) {
        errors.add(new Violation(gPath, "duplicate task group \"" + g.name() + "\""));
      }
      group(g, gPath, errors);
    }
    return errors;
  }

  private static void group(TaskGroup g, String gPath, List<Violation> errors) {
    if (g.count() < 0) {
      errors.add(new Violation(gPath + ".count", "count must be >= 0, got " + g.count()));
    }
    if (g.tasks().isEmpty()) {
      errors.add(new Violation(gPath, "task group \"" + g.name() + "\" has no tasks"));
    }
    Set<String> taskNames = new HashSet<>();
    for (Task t : g.tasks()) {
      String tPath = gPath + ".task." + t.name();
      if (!taskNames.add(t.name())) {
        errors.add(new Violation(tPath, "duplicate task \"" + t.name() + "\" in group \""
            + g.name() + "\""));
      }
      if (t.driver() == null || t.driver().isBlank()) {
        errors.add(new Violation(tPath + ".driver", "missing driver"));
      } else if (!DRIVERS.contains(t.driver())) {
        errors.add(new Violation(tPath + ".driver", "unknown driver \"" + t.driver()
            + "\": must be one of docker, exec, java, mock, raw_exec"));
      }
      Resources r = t.resources();
      if (r != null) {
        if (r.cpu() < 1 && r.cores() < 1) {
          errors.add(new Violation(tPath + ".resources.cpu",
              "cpu must be >= 1 MHz, got " + r.cpu()));
        }
        if (r.memoryMb() < 10) {
          errors.add(new Violation(tPath + ".resources.memory",
              "memory must be >= 10 MiB, got " + r.memoryMb()));
        }
      }
    }
  }
}
