package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.structs.Evaluation;

/**
 * The port through which a scheduler acts: the leader's implementation commits through Raft
 * (the plan applier), the plan API's implementation only records.
 */
public interface Planner {

  /** Submits a plan; returns what was committed. */
  PlanResult submitPlan(Plan plan) throws InterruptedException;

  /** Updates the evaluation being processed (status, failed placements, queued counts). */
  void updateEval(Evaluation eval) throws InterruptedException;

  /** Creates a follow-up or blocked evaluation. */
  void createEval(Evaluation eval) throws InterruptedException;
}
