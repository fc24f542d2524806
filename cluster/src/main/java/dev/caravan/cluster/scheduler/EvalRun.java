package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.AllocMetric;
import dev.caravan.cluster.structs.Evaluation;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How every scheduler processes one evaluation: compute a plan on the state of the moment,
 * submit it, retry on fresher state while the applier refuses part of it (at most
 * {@link #MAX_ATTEMPTS}), then record the outcome: the plan's delayed follow-ups, a
 * {@code max-plan-attempts} follow-up when still refused, a blocked evaluation for the groups
 * that could not be placed, and the evaluation completed.
 */
final class EvalRun {
  static final int MAX_ATTEMPTS = 3;

  /** A scheduler's pure plan computation. */
  interface PlanFunction {
    Plan compute(ClusterState state, Evaluation eval, Supplier<String> ids, long now);
  }

  private EvalRun() {}

  static void process(Evaluation eval, PlanFunction compute, Supplier<ClusterState> state,
      Planner planner, Supplier<String> ids, Clock clock) throws InterruptedException {
    Plan plan = null;
    boolean refused = false;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      plan = compute.compute(state.get(), eval, ids, clock.millis() * 1_000_000L);
      refused = !plan.isNoOp() && planner.submitPlan(plan).partial();
      if (!refused) {
        break;
      }
    }
    for (Evaluation followup : plan.followupEvals()) {
      planner.createEval(followup); // a delayed reschedule: the leader holds it until due
    }
    if (refused) {
      planner.createEval(GenericScheduler.followUp(eval, ids.get()));
    }
    Map<String, AllocMetric> failed = plan.failedGroupAllocs();
    Evaluation.Builder done = eval.toBuilder().status(Evaluation.STATUS_COMPLETE)
        .failedTgAllocs(failed);
    if (!failed.isEmpty()) {
      if (Evaluation.STATUS_BLOCKED.equals(eval.status())) {
        planner.updateEval(eval.toBuilder().failedTgAllocs(failed).build());
        return;
      }
      String blockedId = ids.get();
      planner.createEval(eval.toBuilder().id(blockedId).status(Evaluation.STATUS_BLOCKED)
          .triggeredBy(Evaluation.TRIGGER_QUEUED_ALLOCS).previousEval(eval.id())
          .failedTgAllocs(failed).createIndex(0).modifyIndex(0).build());
      done.blockedEval(blockedId);
    }
    planner.updateEval(done.build());
  }
}
