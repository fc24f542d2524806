package dev.caravan.cluster.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.DrainStrategy;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SystemSchedulerTest {
  private long index;
  private StateImage state = StateImage.EMPTY;
  private final AtomicInteger counter = new AtomicInteger();

  private void apply(Command c) {
    state = StateMachineCore.apply(state, ++index, c);
  }

  private void node(String id) {
    apply(new Command.NodeRegister(Fixtures.node(id, 1000, 1000), 0));
  }

  private static Job system(String type) {
    return Fixtures.job("agent", 1, 100, 100).toBuilder().type(type).build();
  }

  private Plan register(Job job) {
    Evaluation eval = Evaluation.builder().id("e" + index).jobId(job.id()).type(job.type()).build();
    apply(new Command.JobRegister(job, false, 0, eval, 0));
    return evaluate(job);
  }

  private Plan evaluate(Job job) {
    Evaluation eval = Evaluation.builder().id("e" + index).jobId(job.id()).type(job.type()).build();
    Plan plan = SchedulerFactory.computePlan(state, eval, () -> "a" + counter.incrementAndGet(), 0);
    apply(new Command.PlanApply(eval.id(), plan.placements(), plan.stops(), 0));
    return plan;
  }

  private Set<String> nodesRunning(String jobId) {
    return state.allocsByJob("default", jobId).stream().filter(a -> !a.isTerminal())
        .map(Allocation::nodeId).collect(Collectors.toSet());
  }

  @Test
  void placesOneAllocationOnEveryEligibleFeasibleNode() {
    node("a");
    node("b");
    apply(new Command.NodeRegister(Fixtures.node("inel", 1000, 1000).toBuilder()
        .schedulingEligibility(Node.INELIGIBLE).build(), 0));
    apply(new Command.NodeRegister(Fixtures.node("win", 1000, 1000).toBuilder()
        .attributes(Map.of("kernel.name", "windows")).build(), 0));
    Job job = system(Job.TYPE_SYSTEM).toBuilder().constraints(
        List.of(new Constraint("${attr.kernel.name}", "windows", "!="))).build();

    Plan plan = register(job);

    assertEquals(Set.of("a", "b"), nodesRunning("agent"));
    assertTrue(plan.failedGroupAllocs().isEmpty(), "constraint-filtered nodes are no failure");
    assertTrue(register(job).isNoOp(), "a second pass changes nothing");
  }

  @Test
  void aNodeThatJoinsLaterGetsItsAllocation() {
    node("a");
    Job job = system(Job.TYPE_SYSTEM);
    register(job);

    node("late");
    evaluate(job);

    assertEquals(Set.of("a", "late"), nodesRunning("agent"));
  }

  @Test
  void reportsExhaustedNodesAsFailedPlacements() {
    node("a");
    apply(new Command.NodeRegister(Fixtures.node("tiny", 50, 50), 0));

    Plan plan = register(system(Job.TYPE_SYSTEM));

    assertEquals(Set.of("a"), nodesRunning("agent"));
    assertEquals(Map.of("cpu", 1), plan.failedGroupAllocs().get("web").dimensionExhausted());
  }

  @Test
  void sysbatchDoesNotRunAgainWhereItCompleted() {
    node("a");
    Job job = system(Job.TYPE_SYSBATCH);
    register(job);
    Allocation done = state.allocsByJob("default", "agent").get(0);
    apply(new Command.AllocClientUpdate(List.of(done.toBuilder()
        .clientStatus(Allocation.CLIENT_COMPLETE).build()), List.of(), 0));

    Plan again = evaluate(job);

    assertTrue(again.isNoOp(), again.toString());
  }

  @Test
  void drainingNodesLoseSystemAllocsUnlessTheDrainIgnoresSystemJobs() {
    node("a");
    node("b");
    Job job = system(Job.TYPE_SYSTEM);
    register(job);

    apply(new Command.NodeDrainUpdate("a", new DrainStrategy(null, false, 0, 0), false, false,
        List.of(), 0));
    apply(new Command.NodeDrainUpdate("b", new DrainStrategy(null, true, 0, 0), false, false,
        List.of(), 0));
    evaluate(job);

    assertEquals(Set.of("b"), nodesRunning("agent"));
  }

  @Test
  void stoppedSystemJobStopsEveryAllocation() {
    node("a");
    node("b");
    register(system(Job.TYPE_SYSTEM));

    Plan plan = register(system(Job.TYPE_SYSTEM).toBuilder().stop(true).build());

    assertEquals(2, plan.stops().size());
    assertEquals(Set.of(), nodesRunning("agent"));
  }
}
