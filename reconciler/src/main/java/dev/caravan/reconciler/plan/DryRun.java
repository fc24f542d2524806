package dev.caravan.reconciler.plan;

import dev.caravan.cluster.plan.JobDryRun;
import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Job;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduler's per-group counts for one job of a source plan, from the cluster's
 * {@link JobDryRun} (the real scheduler over a private copy of the state, nothing written).
 */
public final class DryRun {
  private DryRun() {}

  /** Per task group counts; empty when the dry run cannot be made on this state. */
  public static Map<String, Plan.DesiredUpdates> groups(ClusterState state, Job desired,
      boolean stop, String namespace, String jobId) {
    AtomicLong ids = new AtomicLong();
    try {
      JobDryRun.Result r = stop
          ? JobDryRun.deregister(state, namespace, jobId, 0, () -> "plan-" + ids.incrementAndGet())
          : JobDryRun.register(state, desired, 0, () -> "plan-" + ids.incrementAndGet());
      return r.plan().desiredUpdates();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    } catch (RuntimeException e) {
      return Map.of();
    }
  }
}
