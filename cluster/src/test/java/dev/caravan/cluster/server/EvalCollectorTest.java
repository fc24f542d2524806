package dev.caravan.cluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvalCollectorTest {
  private static final long HOUR = Duration.ofHours(1).toNanos();

  private long index;

  private static Evaluation eval(String id, String jobId, String status) {
    return Evaluation.builder().id(id).namespace("default").jobId(jobId).type("service")
        .triggeredBy(Evaluation.TRIGGER_JOB_REGISTER).status(status).build();
  }

  /** Registers {@code job} with evaluation {@code evalId}, finished with {@code status} at {@code at}. */
  private StateImage registered(StateImage s, Job job, String evalId, String status, long at) {
    s = StateMachineCore.apply(s, ++index, new Command.JobRegister(job, false, 0,
        eval(evalId, job.id(), Evaluation.STATUS_PENDING), at));
    return StateMachineCore.apply(s, ++index,
        new Command.EvalUpsert(List.of(eval(evalId, job.id(), status)), at));
  }

  private static List<String> collectable(StateImage s, long now) {
    return EvalCollector.collectable(s, now, EvalCollector.THRESHOLD,
        EvalCollector.BATCH_THRESHOLD);
  }

  @Test
  void terminalEvaluationsOlderThanTheThresholdAreCollectedAndOthersKept() {
    StateImage s = registered(StateImage.EMPTY, Fixtures.job("old", 0), "e-old",
        Evaluation.STATUS_COMPLETE, 0);
    s = registered(s, Fixtures.job("failed", 0), "e-failed", Evaluation.STATUS_FAILED, 0);
    s = registered(s, Fixtures.job("recent", 0), "e-recent", Evaluation.STATUS_COMPLETE,
        HOUR / 2);
    s = registered(s, Fixtures.job("blocked", 0), "e-blocked", Evaluation.STATUS_BLOCKED, 0);

    assertEquals(List.of("e-failed", "e-old"), collectable(s, HOUR + 1));
  }

  @Test
  void aRunningBatchJobKeepsItsEvaluationsForTheBatchThreshold() {
    Job batch = Fixtures.job("nightly", 0).toBuilder().type(Job.TYPE_BATCH).build();
    StateImage s = registered(StateImage.EMPTY, batch, "e1", Evaluation.STATUS_COMPLETE, 0);
    Job stopped = Fixtures.job("stopped", 0).toBuilder().type(Job.TYPE_BATCH).stop(true).build();
    s = registered(s, stopped, "e2", Evaluation.STATUS_COMPLETE, 0);

    assertEquals(List.of("e2"), collectable(s, 2 * HOUR));
    assertEquals(List.of("e1", "e2"), collectable(s, 25 * HOUR));
  }

  @Test
  void anEvaluationWhoseAllocationIsStillWantedIsKept() {
    Job web = Fixtures.job("web", 1);
    StateImage s = registered(StateImage.EMPTY, web, "e1", Evaluation.STATUS_COMPLETE, 0);
    Allocation running = Allocation.builder().id("a1").name("web.web[0]").jobId("web").job(web)
        .taskGroup("web").nodeId("n1").evalId("e1").desiredStatus(Allocation.DESIRED_RUN)
        .clientStatus(Allocation.CLIENT_RUNNING).build();
    s = StateMachineCore.apply(s, ++index, new Command.PlanApply("e1", List.of(running),
        List.of(), 0));

    assertEquals(List.of(), collectable(s, 2 * HOUR));

    s = StateMachineCore.apply(s, ++index, new Command.AllocClientUpdate(List.of(
        running.toBuilder().clientStatus(Allocation.CLIENT_COMPLETE).build()), List.of(), 0));

    assertEquals(List.of("e1"), collectable(s, 2 * HOUR));
  }
}
