package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.structs.AllocMetric;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import java.util.List;
import java.util.Map;

/**
 * What one scheduler pass wants committed for one evaluation: new or updated allocations
 * (placements, in-place updates, canaries), allocations to stop, the deployment it creates or
 * changes, and per group the placements it could not make and why.
 *
 * <p>The plan applier re-checks every placement against the latest state (capacity, node
 * eligibility) before it commits; what it rejects comes back in the {@link PlanResult}.
 *
 * @param evalId the evaluation this plan answers
 * @param job the job version the placements run (null when the job was purged)
 * @param placements allocations to create or update, keyed by nothing: each carries its node
 * @param stops allocations to stop, each with {@code DesiredStatus=stop} and a description
 * @param deployment the deployment created or updated by this pass, or null
 * @param failedGroupAllocs per task group, why placements failed
 * @param desiredUpdates per task group, what the scheduler decided (for the plan API)
 * @param allAtOnce when true the applier commits all or nothing
 * @param deploymentUpdates status changes of other deployments (a newer version cancels them)
 * @param followupEvals evaluations to create that wait until a failed allocation's delayed
 *     reschedule is due ({@code WaitUntil})
 */
public record Plan(
    String evalId,
    Job job,
    List<Allocation> placements,
    List<Allocation> stops,
    Deployment deployment,
    Map<String, AllocMetric> failedGroupAllocs,
    Map<String, DesiredUpdates> desiredUpdates,
    boolean allAtOnce,
    List<Deployment> deploymentUpdates,
    List<Evaluation> followupEvals) {

  /** A plan that creates no follow-up evaluation. */
  public Plan(String evalId, Job job, List<Allocation> placements, List<Allocation> stops,
      Deployment deployment, Map<String, AllocMetric> failedGroupAllocs,
      Map<String, DesiredUpdates> desiredUpdates, boolean allAtOnce,
      List<Deployment> deploymentUpdates) {
    this(evalId, job, placements, stops, deployment, failedGroupAllocs, desiredUpdates,
        allAtOnce, deploymentUpdates, List.of());
  }

  /** A plan that changes no other deployment. */
  public Plan(String evalId, Job job, List<Allocation> placements, List<Allocation> stops,
      Deployment deployment, Map<String, AllocMetric> failedGroupAllocs,
      Map<String, DesiredUpdates> desiredUpdates, boolean allAtOnce) {
    this(evalId, job, placements, stops, deployment, failedGroupAllocs, desiredUpdates,
        allAtOnce, List.of(), List.of());
  }

  public Plan {
    followupEvals = followupEvals == null ? List.of() : List.copyOf(followupEvals);
    deploymentUpdates = deploymentUpdates == null ? List.of() : List.copyOf(deploymentUpdates);
    placements = placements == null ? List.of() : List.copyOf(placements);
    stops = stops == null ? List.of() : List.copyOf(stops);
    failedGroupAllocs = failedGroupAllocs == null ? Map.of() : Map.copyOf(failedGroupAllocs);
    desiredUpdates = desiredUpdates == null ? Map.of() : Map.copyOf(desiredUpdates);
  }

  /** True when nothing would change. */
  public boolean isNoOp() {
    return placements.isEmpty() && stops.isEmpty() && deployment == null
        && deploymentUpdates.isEmpty();
  }

  /** Nomad's per-group counts of the scheduler's decisions, as the plan API shows them. */
  public record DesiredUpdates(
      int ignore, int place, int migrate, int stop, int inPlaceUpdate, int destructiveUpdate,
      int canary, int preemptions) {}
}
