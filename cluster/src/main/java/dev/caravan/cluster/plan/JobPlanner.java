package dev.caravan.cluster.plan;

import dev.caravan.cluster.deploy.DeploymentRequests;
import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.JobDefaults;
import dev.caravan.cluster.structs.JobValidator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Nomad's job plan over one state image: the submitted job is validated as a register would
 * be, dry-run through the real scheduler ({@link JobDryRun}) and, when asked, diffed against
 * the live version and annotated. Writes nothing.
 */
public final class JobPlanner {
  private JobPlanner() {}

  /**
   * Plans registering {@code submitted}.
   *
   * @param now the time the scheduler sees, Unix nanoseconds
   * @throws ClusterException 400 when the job does not validate
   * @throws InterruptedException when interrupted
   */
  public static JobPlanResponse plan(ClusterState state, Job submitted, boolean diff, long now,
      Supplier<String> ids) throws ClusterException, InterruptedException {
    if (submitted == null) {
      throw ClusterException.badRequest("Job: missing job");
    }
    Job job = JobDefaults.apply(submitted);
    List<JobValidator.Violation> errors = JobValidator.validate(job);
    if (!errors.isEmpty()) {
      throw ClusterException.badRequest(errors.stream().map(Object::toString)
          .collect(Collectors.joining("; ")));
    }
    List<String> updateErrors = DeploymentRequests.validateUpdate(job);
    if (!updateErrors.isEmpty()) {
      throw ClusterException.badRequest(String.join("; ", updateErrors));
    }
    Job live = state.job(job.namespace(), job.id()).orElse(null);
    JobDryRun.Result run = JobDryRun.register(state, job, now, ids);
    Map<String, DesiredTgUpdates> desired = desiredUpdates(run.plan());
    JobDiff jobDiff = diff ? PlanAnnotator.annotate(JobDiffer.diff(live, job), desired) : null;
    return new JobPlanResponse(live == null ? 0 : live.jobModifyIndex(), run.createdEvals(),
        jobDiff, new JobPlanResponse.Annotations(desired, List.of()),
        run.plan().failedGroupAllocs(), null, "");
  }

  /**
   * The plan's per-group counts; a group the new version removed counts the allocations it
   * stops.
   */
  static Map<String, DesiredTgUpdates> desiredUpdates(Plan plan) {
    Map<String, DesiredTgUpdates> out = new TreeMap<>();
    plan.desiredUpdates().forEach((g, u) -> out.put(g, DesiredTgUpdates.of(u)));
    Map<String, Integer> removed = new TreeMap<>();
    for (Allocation a : plan.stops()) {
      if (!out.containsKey(a.taskGroup())) {
        removed.merge(a.taskGroup(), 1, Integer::sum);
      }
    }
    removed.forEach((g, n) -> out.put(g, new DesiredTgUpdates(0, 0, 0, n, 0, 0, 0, 0)));
    return out;
  }
}
