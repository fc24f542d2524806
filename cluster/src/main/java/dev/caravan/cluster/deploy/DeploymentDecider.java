package dev.caravan.cluster.deploy;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.DeploymentState;
import dev.caravan.cluster.structs.Job;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the deployment watcher decides for one active deployment, as a pure function of the
 * state image and the time.
 *
 * <p>Deployment states: {@code running <-> paused} (by an operator), then exactly one of
 * {@code successful} (every group has its desired total healthy, canaries promoted),
 * {@code failed} (an unhealthy allocation, a missed progress deadline, or an operator), or
 * {@code cancelled} (a newer job version or a stopped job, decided by the scheduler). Only
 * running and paused deployments change; a paused one only records progress.
 */
public final class DeploymentDecider {
  private DeploymentDecider() {}

  /**
   * One decision: the deployment as it should be (its modify index still the one it was
   * decided on, for the check-and-set), whether the scheduler must run again, and the stable
   * job to re-register when the failure auto-reverts (or null).
   */
  public record Decision(Deployment deployment, boolean evaluate, Job revertTo) {}

  /** The decision for {@code d} at {@code now} (Unix nanoseconds), or empty when nothing changes. */
  public static Optional<Decision> decide(ClusterState state, Deployment d, long now) {
    if (!d.isActive()) {
      return Optional.empty();
    }
    Job job = state.job(d.namespace(), d.jobId()).orElse(null);
    if (job == null || job.version() != d.jobVersion()) {
      return Optional.empty(); // the scheduler cancels deployments of older versions
    }
    List<Allocation> allocs = state.allocsByJob(d.namespace(), d.jobId());
    Map<String, DeploymentState> groups = new LinkedHashMap<>();
    boolean healthier = false;
    boolean anyUnhealthy = false;
    boolean deadlineMissed = false;
    boolean allComplete = true;
    boolean promotable = d.requiresPromotion();
    boolean autoPromote = true;
    for (Map.Entry<String, DeploymentState> e : d.taskGroups().entrySet()) {
      DeploymentState g = e.getValue();
      int placed = 0;
      int healthy = 0;
      int unhealthy = 0;
      int healthyCanaries = 0;
      long lastHealthy = 0;
      for (Allocation a : allocs) {
        if (!d.id().equals(a.deploymentId()) || !e.getKey().equals(a.taskGroup())) {
          continue;
        }
        placed++;
        Boolean h = a.deploymentStatus() == null ? null : a.deploymentStatus().healthy();
        if (Boolean.TRUE.equals(h)) {
          healthy++;
          lastHealthy = Math.max(lastHealthy, a.deploymentStatus().timestamp());
          if (g.placedCanaries().contains(a.id())) {
            healthyCanaries++;
          }
        } else if (Boolean.FALSE.equals(h) || Allocation.CLIENT_FAILED.equals(a.clientStatus())) {
          // a lost allocation (its node went down) is replaced, it does not fail the rollout
          unhealthy++;
        }
      }
      long requireBy = g.requireProgressBy();
      if (healthy > g.healthyAllocs()) {
        healthier = true;
        if (g.progressDeadline() != null && !g.progressDeadline().isZero()) {
          requireBy = Math.max(requireBy, lastHealthy + g.progressDeadline().toNanos());
        }
      }
      anyUnhealthy |= unhealthy > 0;
      boolean needsPromotion = g.desiredCanaries() > 0 && !g.promoted();
      boolean canariesHealthy = g.placedCanaries().size() >= g.desiredCanaries()
          && healthyCanaries >= g.desiredCanaries();
      boolean complete = healthy >= g.desiredTotal() && !needsPromotion;
      allComplete &= complete;
      if (needsPromotion) {
        promotable &= canariesHealthy;
        autoPromote &= g.autoPromote();
      }
      boolean waitingForPromotion = needsPromotion && canariesHealthy;
      if (!complete && !waitingForPromotion && requireBy > 0 && now > requireBy) {
        deadlineMissed = true;
      }
      groups.put(e.getKey(), new DeploymentState(g.autoRevert(), g.autoPromote(),
          g.progressDeadline(), requireBy, g.promoted(), g.placedCanaries(), g.desiredCanaries(),
          g.desiredTotal(), placed, healthy, unhealthy));
    }
    Deployment.Builder next = d.toBuilder().taskGroups(groups);
    boolean evaluate = healthier;
    Job revertTo = null;
    boolean running = Deployment.STATUS_RUNNING.equals(d.status());
    if (anyUnhealthy || (running && deadlineMissed)) {
      String why = anyUnhealthy ? Deployment.DESCRIPTION_FAILED_ALLOCATIONS
          : Deployment.DESCRIPTION_PROGRESS_DEADLINE;
      boolean autoRevert = d.taskGroups().values().stream().anyMatch(DeploymentState::autoRevert);
      if (autoRevert) {
        Job stable = latestStableBefore(state, job);
        if (stable == null) {
          why += " - no stable job version to auto revert to";
        } else if (stable.spec().equals(job.spec())) {
          why += " - not rolling back to stable job version " + stable.version()
              + " as current job has same specification";
        } else {
          why += " - rolling back to job version " + stable.version();
          revertTo = stable;
        }
      }
      next.status(Deployment.STATUS_FAILED).statusDescription(why);
      evaluate = true;
    } else if (running && allComplete) {
      next.status(Deployment.STATUS_SUCCESSFUL)
          .statusDescription(Deployment.DESCRIPTION_SUCCESSFUL);
    } else if (running && d.requiresPromotion() && promotable && autoPromote) {
      Map<String, DeploymentState> promoted = new LinkedHashMap<>();
      groups.forEach((name, g) -> promoted.put(name, g.desiredCanaries() == 0 ? g
          : new DeploymentState(g.autoRevert(), g.autoPromote(), g.progressDeadline(),
              g.requireProgressBy(), true, g.placedCanaries(), g.desiredCanaries(),
              g.desiredTotal(), g.placedAllocs(), g.healthyAllocs(), g.unhealthyAllocs())));
      next.taskGroups(promoted).statusDescription(Deployment.DESCRIPTION_RUNNING);
      evaluate = true;
    } else if (running && d.requiresPromotion()) {
      next.statusDescription(autoPromote ? Deployment.DESCRIPTION_AUTO_PROMOTION
          : Deployment.DESCRIPTION_NEEDS_PROMOTION);
    }
    Deployment decided = next.build();
    if (decided.equals(d)) {
      return Optional.empty();
    }
    return Optional.of(new Decision(decided, evaluate, revertTo));
  }

  /** The newest stable version older than the job's current one, or null. */
  static Job latestStableBefore(ClusterState state, Job job) {
    for (Job v : state.jobVersions(job.namespace(), job.id())) {
      if (v.version() < job.version() && v.stable()) {
        return v;
      }
    }
    return null;
  }
}
