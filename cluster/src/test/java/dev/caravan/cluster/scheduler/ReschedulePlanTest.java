package dev.caravan.cluster.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.JobDefaults;
import dev.caravan.cluster.structs.ReschedulePolicy;
import dev.caravan.cluster.structs.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The schedulers' failed-allocation decisions under the reschedule policy, on state values. */
class ReschedulePlanTest {
  private static final long S = 1_000_000_000L;
  private static final long FAILED_AT = 1000 * S;
  private long index;
  private StateImage state = StateImage.EMPTY;
  private final AtomicInteger counter = new AtomicInteger();
  private final Supplier<String> ids = () -> "id-" + counter.incrementAndGet();

  private void apply(Command c) {
    state = StateMachineCore.apply(state, ++index, c);
  }

  private Evaluation eval(Job job) {
    return Evaluation.builder().id("e" + index).jobId(job.id()).type(job.type()).build();
  }

  /** Registers the job, places its one allocation, and reports it with {@code status}. */
  private Allocation placed(Job job, String status) {
    job = JobDefaults.apply(job);
    Evaluation e = eval(job);
    apply(new Command.JobRegister(job, false, 0, e, 0));
    Plan plan = GenericScheduler.computePlan(state, e, ids, 0);
    apply(new Command.PlanApply(e.id(), plan.placements(), plan.stops(), 0));
    Allocation a = plan.placements().get(0);
    apply(new Command.AllocClientUpdate(List.of(a.toBuilder().clientStatus(status)
        .taskStates(Map.of("server", new TaskState(TaskState.DEAD,
            Allocation.CLIENT_FAILED.equals(status), 0, 0, 0, FAILED_AT, List.of())))
        .build()), List.of(), FAILED_AT));
    return state.alloc(a.id()).orElseThrow();
  }

  private static Job job(String type, ReschedulePolicy policy) {
    Job job = Fixtures.job("web", 1).toBuilder().type(type).build();
    return job.toBuilder().taskGroups(List.of(job.taskGroups().get(0).toBuilder()
        .reschedulePolicy(policy).update(new dev.caravan.cluster.structs.UpdateStrategy(null, 0,
            "task_states", null, null, null, false, false, 0, false)).build())).build();
  }

  private static ReschedulePolicy once(long delayS) {
    return new ReschedulePolicy(1, Duration.ofHours(1), Duration.ofSeconds(delayS), "constant",
        Duration.ZERO, false);
  }

  private Plan schedule(Job job, long now) {
    Job live = state.job("default", job.id()).orElseThrow();
    return GenericScheduler.computePlan(state, eval(live), ids, now);
  }

  @ParameterizedTest
  @ValueSource(strings = {Job.TYPE_SERVICE, Job.TYPE_BATCH})
  void aFailedAllocationNotYetDueStaysAndAFollowUpWaitsForIt(String type) {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    Allocation failed = placed(job(type, once(30)), Allocation.CLIENT_FAILED);

    Plan plan = schedule(failed.job(), FAILED_AT + 2 * S);

    assertTrue(plan.placements().isEmpty(), plan.placements().toString());
    assertTrue(plan.stops().isEmpty());
    assertEquals(1, plan.followupEvals().size());
    Evaluation followup = plan.followupEvals().get(0);
    assertEquals(FAILED_AT + 30 * S, followup.waitUntil());
    assertEquals(Evaluation.TRIGGER_ALLOC_FAILURE, followup.triggeredBy());
  }

  @Test
  void aPendingFollowUpIsNotCreatedTwice() {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    Allocation failed = placed(job(Job.TYPE_SERVICE, once(30)), Allocation.CLIENT_FAILED);
    apply(new Command.EvalUpsert(schedule(failed.job(), FAILED_AT).followupEvals(), FAILED_AT));

    Plan again = schedule(failed.job(), FAILED_AT + S);

    assertTrue(again.followupEvals().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {Job.TYPE_SERVICE, Job.TYPE_BATCH})
  void onceDueItIsReplacedWithItsTrackerThenNeverAgain(String type) {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    Allocation failed = placed(job(type, once(5)), Allocation.CLIENT_FAILED);

    Plan plan = schedule(failed.job(), FAILED_AT + 5 * S);

    assertEquals(List.of(failed.id()), plan.stops().stream().map(Allocation::id).toList());
    Allocation replacement = plan.placements().get(0);
    assertEquals(failed.id(), replacement.previousAllocation());
    assertEquals(1, replacement.rescheduleTracker().events().size());

    apply(new Command.PlanApply("r", plan.placements(), plan.stops(), FAILED_AT + 5 * S));
    apply(new Command.AllocClientUpdate(List.of(replacement.toBuilder()
        .clientStatus(Allocation.CLIENT_FAILED).taskStates(Map.of("server", new TaskState(
            TaskState.DEAD, true, 0, 0, 0, FAILED_AT + 10 * S, List.of()))).build()), List.of(),
        FAILED_AT + 10 * S));
    Plan after = schedule(failed.job(), FAILED_AT + 3600 * S / 2);

    assertTrue(after.placements().isEmpty(), after.placements().toString());
    assertTrue(after.stops().isEmpty());
    assertTrue(after.followupEvals().isEmpty());
  }

  @Test
  void aBatchAllocationThatSucceededIsNeverRescheduled() {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    Allocation done = placed(job(Job.TYPE_BATCH, once(5)), Allocation.CLIENT_COMPLETE);

    Plan plan = schedule(done.job(), FAILED_AT + 100 * S);

    assertTrue(plan.isNoOp());
    assertTrue(plan.followupEvals().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {Job.TYPE_SERVICE, Job.TYPE_BATCH})
  void aLostAllocationIsReplacedAtOnceWhateverThePolicy(String type) {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    apply(new Command.NodeRegister(Fixtures.node("b", 4000, 4000), 0));
    Allocation lost = placed(job(type, new ReschedulePolicy(0, Duration.ZERO,
        Duration.ofSeconds(5), "constant", Duration.ZERO, false)), Allocation.CLIENT_LOST);

    Plan plan = schedule(lost.job(), FAILED_AT);

    assertEquals(1, plan.placements().size());
    assertEquals(lost.id(), plan.placements().get(0).previousAllocation());
    assertNull(plan.placements().get(0).rescheduleTracker());
  }

  @Test
  void outOfAttemptsIsNeverReplaced() {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    Allocation failed = placed(job(Job.TYPE_SERVICE, new ReschedulePolicy(0, Duration.ZERO,
        Duration.ofSeconds(5), "constant", Duration.ZERO, false)), Allocation.CLIENT_FAILED);

    Plan plan = schedule(failed.job(), FAILED_AT + 100 * S);

    assertTrue(Stream.of(plan.placements(), plan.stops(), plan.followupEvals())
        .allMatch(List::isEmpty));
  }
}
