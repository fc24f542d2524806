package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.structs.Evaluation;

/**
 * Turns one evaluation into plans submitted to a {@link Planner}. One implementation per job
 * type (service, batch, system, sysbatch); placement decisions are pure functions of the state
 * image, the job and the injected clock and random source.
 */
public interface Scheduler {

  /** Processes the evaluation to completion (including retries of partially applied plans). */
  void process(Evaluation eval) throws InterruptedException;
}
