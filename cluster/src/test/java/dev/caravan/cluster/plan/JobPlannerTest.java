package dev.caravan.cluster.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.cluster.scheduler.SchedulerFactory;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.UpdateStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class JobPlannerTest {
  private long index;
  private StateImage state = StateImage.EMPTY;
  private final AtomicInteger counter = new AtomicInteger();
  private final Supplier<String> ids = () -> "id-" + counter.incrementAndGet();

  private void apply(Command c) {
    state = StateMachineCore.apply(state, ++index, c);
  }

  /** Registers and schedules a job for real, as the leader would. */
  private void run(Job job) {
    Evaluation eval = Evaluation.builder().id("e" + index).jobId(job.id()).type(job.type())
        .build();
    apply(new Command.JobRegister(dev.caravan.cluster.structs.JobDefaults.apply(job), false, 0,
        eval, 0));
    Plan plan = SchedulerFactory.computePlan(state, eval, ids, 0);
    apply(new Command.PlanApply(eval.id(), plan.placements(), plan.stops(), 0));
  }

  private JobPlanResponse plan(Job job) throws Exception {
    return JobPlanner.plan(state, job, true, 0, ids);
  }

  private static Job withImage(Job job, String image) {
    TaskGroup g = job.taskGroups().get(0);
    Task t = g.tasks().get(0).toBuilder().config(Map.of("image", image)).build();
    return job.toBuilder().taskGroups(List.of(g.toBuilder().tasks(List.of(t)).build())).build();
  }

  @Test
  void aNewJobPlacesEveryAllocationAndWritesNothing() throws Exception {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    StateImage before = state;

    JobPlanResponse r = plan(Fixtures.job("web", 2));

    assertEquals(0, r.jobModifyIndex());
    assertEquals(JobDiff.Type.Added, r.diff().type());
    assertEquals(new DesiredTgUpdates(0, 2, 0, 0, 0, 0, 0, 0),
        r.annotations().desiredTgUpdates().get("web"));
    assertEquals(Map.of("create", 2), r.diff().taskGroups().get(0).updates());
    assertTrue(r.failedTgAllocs().isEmpty());
    assertTrue(r.changesAllocations());
    assertTrue(state.job("default", "web").isEmpty());
    assertEquals(before.index(), state.index());
  }

  @Test
  void anImageChangeIsADestructiveUpdateOfEachAllocation() throws Exception {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    Job job = withImage(Fixtures.job("web", 2), "nginx:1");
    run(job);
    long jmi = state.job("default", "web").orElseThrow().jobModifyIndex();

    JobPlanResponse r = plan(withImage(job, "nginx:2"));

    assertEquals(jmi, r.jobModifyIndex());
    // the default update block replaces one at a time (max_parallel = 1)
    assertEquals(new DesiredTgUpdates(1, 0, 0, 0, 0, 1, 0, 0),
        r.annotations().desiredTgUpdates().get("web"));
    JobDiff.TaskDiff t = r.diff().taskGroups().get(0).tasks().get(0);
    assertEquals(List.of(PlanAnnotator.FORCES_DESTRUCTIVE), t.annotations());
    assertEquals(Map.of("create/destroy update", 1, "ignore", 1), r.diff().taskGroups().get(0).updates());
  }

  @Test
  void aCountChangePlacesTheNewOnesAndMovesTheRestToTheNewVersionInPlace() throws Exception {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    run(Fixtures.job("web", 2));

    JobPlanResponse r = plan(Fixtures.job("web", 3));

    assertEquals(new DesiredTgUpdates(0, 1, 0, 0, 2, 0, 0, 0),
        r.annotations().desiredTgUpdates().get("web"));
    assertEquals(JobDiff.Type.None, r.diff().taskGroups().get(0).tasks().get(0).type());
  }

  @Test
  void anUnchangedJobChangesNoAllocations() throws Exception {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    run(Fixtures.job("web", 2));

    JobPlanResponse r = plan(Fixtures.job("web", 2));

    assertEquals(JobDiff.Type.None, r.diff().type());
    assertEquals(Map.of("ignore", 2), r.diff().taskGroups().get(0).updates());
    assertFalse(r.changesAllocations());
  }

  @Test
  void aCanaryUpdateBlockPlacesCanariesBesideTheOldAllocations() throws Exception {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    UpdateStrategy canary = new UpdateStrategy(Duration.ofSeconds(30), 1, "checks",
        Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10), false, false, 1,
        false);
    Job job = withImage(Fixtures.job("web", 3), "nginx:1");
    job = job.toBuilder().taskGroups(List.of(job.taskGroups().get(0).toBuilder().update(canary)
        .build())).build();
    run(job);

    JobPlanResponse r = plan(withImage(job, "nginx:2"));

    DesiredTgUpdates u = r.annotations().desiredTgUpdates().get("web");
    assertEquals(1, u.canary());
    assertEquals(3, u.ignore());
    assertEquals(Map.of("canary", 1, "ignore", 3), r.diff().taskGroups().get(0).updates());
  }

  @Test
  void aGroupThatDoesNotFitReportsWhyAndTheBlockedEvaluation() throws Exception {
    apply(new Command.NodeRegister(Fixtures.node("a", 1000, 1000), 0));

    JobPlanResponse r = plan(Fixtures.job("web", 3, 400, 100));

    assertEquals(Map.of("cpu", 1), r.failedTgAllocs().get("web").dimensionExhausted());
    assertEquals(1, r.createdEvals().size());
    assertEquals(Evaluation.STATUS_BLOCKED, r.createdEvals().get(0).status());
    assertTrue(state.evals().isEmpty());
  }

  @Test
  void aSystemJobIsPlannedBySystemScheduler() throws Exception {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    apply(new Command.NodeRegister(Fixtures.node("b", 4000, 4000), 0));

    JobPlanResponse r = plan(Fixtures.job("agent", 1).toBuilder().type(Job.TYPE_SYSTEM).build());

    assertEquals(2, r.annotations().desiredTgUpdates().get("web").place());
  }

  @Test
  void anInvalidJobIsRefusedNamingTheField() {
    ClusterException e = assertThrows(ClusterException.class, () -> plan(Fixtures.job("web", -1)));

    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("count must be >= 0"), e.getMessage());
  }

  @Test
  void withoutDiffTheResponseHasNone() throws Exception {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));

    assertNull(JobPlanner.plan(state, Fixtures.job("web", 1), false, 0, ids).diff());
  }

  @Test
  void theResponseRoundTripsThroughNomadJson() throws Exception {
    apply(new Command.NodeRegister(Fixtures.node("a", 1000, 1000), 0));
    run(withImage(Fixtures.job("web", 1, 100, 100), "nginx:1"));
    JobPlanResponse r = plan(withImage(Fixtures.job("web", 3, 400, 100), "nginx:2"));
    ObjectMapper json = NomadJson.mapper();

    String text = json.writeValueAsString(r);

    assertEquals(r, json.readValue(text, JobPlanResponse.class));
    assertTrue(text.contains("\"DesiredTGUpdates\":{\"web\":{\"Ignore\""), text);
    assertTrue(text.contains("\"FailedTGAllocs\""), text);
  }
}
