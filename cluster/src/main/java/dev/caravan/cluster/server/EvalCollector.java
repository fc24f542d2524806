package dev.caravan.cluster.server;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which evaluations the leader removes (Nomad's eval GC): terminal ones (complete, failed,
 * canceled) last modified at least {@code threshold} ago, none of whose allocations still runs
 * or is wanted. A batch job that is still registered and not stopped keeps its evaluations for
 * {@code batchThreshold}, so that its history stays readable while it may run. Without this
 * every registration left an evaluation behind for good. Pure: the state and the time in.
 */
final class EvalCollector {
  /** Nomad's {@code eval_gc_threshold}. */
  static final Duration THRESHOLD = Duration.ofHours(1);
  /** Nomad's {@code batch_eval_gc_threshold}. */
  static final Duration BATCH_THRESHOLD = Duration.ofHours(24);
  /** How often the leader collects (Nomad's {@code eval_gc_interval}). */
  static final Duration INTERVAL = Duration.ofMinutes(5);

  private EvalCollector() {}

  /** The ids of the evaluations to remove at {@code nowNanos} (Unix nanoseconds), by id. */
  static List<String> collectable(ClusterState s, long nowNanos, Duration threshold,
      Duration batchThreshold) {
    List<String> out = new ArrayList<>();
    for (Evaluation e : s.evals()) {
      if (!e.isTerminal()) {
        continue;
      }
      Job job = e.jobId() == null ? null : s.job(e.namespace(), e.jobId()).orElse(null);
      boolean liveBatch = job != null && Job.TYPE_BATCH.equals(job.type()) && !job.stop()
          && !Job.STATUS_DEAD.equals(job.status());
      Duration keep = liveBatch ? batchThreshold : threshold;
      if (e.modifyTime() > nowNanos - keep.toNanos() || hasLiveAllocation(s, e)) {
        continue;
      }
      out.add(e.id());
    }
    return out;
  }

  private static boolean hasLiveAllocation(ClusterState s, Evaluation e) {
    if (e.jobId() == null) {
      return false;
    }
    for (Allocation a : s.allocsByJob(e.namespace(), e.jobId())) {
      if (e.id().equals(a.evalId()) && !a.isTerminal()) {
        return true;
      }
    }
    return false;
  }
}
