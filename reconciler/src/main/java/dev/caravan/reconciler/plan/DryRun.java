package dev.caravan.reconciler.plan;

import dev.caravan.cluster.scheduler.GenericScheduler;
import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduler's dry run for one job: the register (or stop) is applied to a private copy of
 * the state image with the real apply switch, then the real scheduler computes its plan; the
 * plan is read, never submitted. Pure.
 */
public final class DryRun {
  private DryRun() {}

  /** Per task group counts; empty when the state is not an image this process can copy. */
  public static Map<String, Plan.DesiredUpdates> groups(ClusterState state, Job desired,
      boolean stop, String namespace, String jobId) {
    if (!(state instanceof StateImage image)) {
      return Map.of();
    }
    String ns = namespace == null ? "default" : namespace;
    Evaluation eval = Evaluation.builder().id("plan").namespace(ns).jobId(jobId)
        .type(desired == null ? Job.TYPE_SERVICE : desired.type())
        .priority(desired == null ? 50 : desired.priority())
        .triggeredBy(Evaluation.TRIGGER_JOB_REGISTER).status(Evaluation.STATUS_PENDING).build();
    Command c = stop ? new Command.JobDeregister(ns, jobId, false, eval, 0)
        : new Command.JobRegister(desired, false, 0, eval, 0);
    try {
      StateImage next = StateMachineCore.apply(image, image.index() + 1, c);
      AtomicLong ids = new AtomicLong();
      Plan plan = GenericScheduler.computePlan(next, eval,
          () -> "plan-" + ids.incrementAndGet(), 0);
      return plan.desiredUpdates();
    } catch (RuntimeException e) {
      return Map.of();
    }
  }
}
