package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.scheduler.feasible.NodeCatalog;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Routes an evaluation to the scheduler of its job type: {@code service} and {@code batch} to
 * {@link GenericScheduler}, {@code system} and {@code sysbatch} to {@link SystemScheduler}.
 * An evaluation without a type takes its job's.
 */
public final class SchedulerFactory {
  private final Supplier<ClusterState> state;
  private final Scheduler generic;
  private final Scheduler system;

  public SchedulerFactory(Supplier<ClusterState> state, Planner planner, Supplier<String> ids,
      Clock clock) {
    this(state, planner, ids, clock, new NodeCatalog.Cache());
  }

  /**
   * Schedulers sharing {@code catalogs} (the leader's, one for every worker): the static
   * feasibility of a node set is computed once, not once per evaluation.
   */
  public SchedulerFactory(Supplier<ClusterState> state, Planner planner, Supplier<String> ids,
      Clock clock, NodeCatalog.Cache catalogs) {
    this.state = state;
    this.generic = new GenericScheduler(state, planner, ids, clock, catalogs);
    this.system = new SystemScheduler(state, planner, ids, clock);
  }

  /** The scheduler for this evaluation. */
  public Scheduler forEval(Evaluation eval) {
    String type = eval.type();
    if (type == null || type.isEmpty()) {
      type = state.get().job(eval.namespace(), eval.jobId()).map(Job::type).orElse("");
    }
    return isSystem(type) ? system : generic;
  }

  /** True for the job types that run one allocation per node. */
  public static boolean isSystem(String jobType) {
    return Job.TYPE_SYSTEM.equals(jobType) || Job.TYPE_SYSBATCH.equals(jobType);
  }

  /** The plan for an evaluation, by job type, without submitting it (plan API, dry runs). */
  public static Plan computePlan(ClusterState state, Evaluation eval, Supplier<String> ids,
      long now) {
    String type = state.job(eval.namespace(), eval.jobId()).map(Job::type).orElse(eval.type());
    return isSystem(type) ? SystemScheduler.computePlan(state, eval, ids, now)
        : GenericScheduler.computePlan(state, eval, ids, now);
  }
}
