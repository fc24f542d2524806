package dev.caravan.cluster.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class GenericSchedulerTest {
  private long index;
  private StateImage state = StateImage.EMPTY;
  private final AtomicInteger counter = new AtomicInteger();
  private final Supplier<String> ids = () -> "id-" + counter.incrementAndGet();

  private void apply(Command c) {
    state = StateMachineCore.apply(state, ++index, c);
  }

  private void node(Node n) {
    apply(new Command.NodeRegister(n, 0));
  }

  private Plan schedule(Job job) {
    Evaluation eval = Evaluation.builder().id("e" + index).jobId(job.id()).type(job.type()).build();
    apply(new Command.JobRegister(job, false, 0, eval, 0));
    Plan plan = GenericScheduler.computePlan(state, eval, ids, 0);
    apply(new Command.PlanApply(eval.id(), plan.placements(), plan.stops(), 0));
    return plan;
  }

  @Test
  void placesCountAllocsNamedByIndexOnFeasibleNodesOnly() {
    node(Fixtures.node("small", 1000, 1000));
    node(Fixtures.node("nodriver", 4000, 4000).toBuilder().drivers(Map.of()).build());
    node(Fixtures.node("otherdc", 4000, 4000).toBuilder().datacenter("eu").build());

    Plan plan = schedule(
        Fixtures.job("web", 3, 100, 100).toBuilder().datacenters(List.of("dc*")).build());

    assertEquals(List.of("web.web[0]", "web.web[1]", "web.web[2]"),
        plan.placements().stream().map(Allocation::name).sorted().toList());
    assertTrue(plan.placements().stream().allMatch(a -> a.nodeId().equals("small")));
    assertTrue(plan.failedGroupAllocs().isEmpty());
  }

  @Test
  void binPacksOntoTheFullestNodeThatFits() {
    node(Fixtures.node("a", 4000, 4000));
    node(Fixtures.node("b", 4000, 4000));
    schedule(Fixtures.job("first", 1, 1000, 1000));

    Plan plan = schedule(Fixtures.job("second", 2, 1000, 1000));

    String firstNode = state.allocsByJob("default", "first").get(0).nodeId();
    assertTrue(plan.placements().stream().allMatch(a -> a.nodeId().equals(firstNode)));
  }

  @Test
  void neverOverCommitsAndReportsExhaustion() {
    node(Fixtures.node("a", 1000, 1000));

    Plan plan = schedule(Fixtures.job("web", 3, 400, 100));

    assertEquals(2, plan.placements().size());
    assertEquals(1, plan.failedGroupAllocs().get("web").nodesExhausted());
    assertEquals(Map.of("cpu", 1), plan.failedGroupAllocs().get("web").dimensionExhausted());
  }

  @Test
  void countDropStopsHighestIndexesFirstAndKeepsTheRestInPlace() {
    node(Fixtures.node("a", 4000, 4000));
    schedule(Fixtures.job("web", 3));

    Plan plan = schedule(Fixtures.job("web", 1));

    assertEquals(List.of("web.web[1]", "web.web[2]"),
        plan.stops().stream().map(Allocation::name).sorted().toList());
    assertEquals(1, plan.placements().size());
    assertEquals(1, plan.placements().get(0).job().version());
    assertEquals("web.web[0]", plan.placements().get(0).name());
  }

  @Test
  void changedTaskIsADestructiveUpdate() {
    node(Fixtures.node("a", 4000, 4000));
    schedule(Fixtures.job("web", 2));
    Job changed = Fixtures.job("web", 2, 200, 128);

    Plan plan = schedule(changed);

    assertEquals(2, plan.stops().size());
    assertEquals(2, plan.placements().size());
    assertTrue(plan.placements().stream().allMatch(a -> a.previousAllocation() != null));
  }

  @Test
  void stoppedJobStopsEverything() {
    node(Fixtures.node("a", 4000, 4000));
    schedule(Fixtures.job("web", 2));

    Plan plan = schedule(Fixtures.job("web", 2).toBuilder().stop(true).build());

    assertEquals(2, plan.stops().size());
    assertTrue(plan.placements().isEmpty());
  }

  @Test
  void lostServiceAllocsAreReplacedButCompletedBatchAllocsAreNot() {
    node(Fixtures.node("a", 4000, 4000));
    node(Fixtures.node("b", 4000, 4000));
    schedule(Fixtures.job("svc", 1));
    Job batch = Fixtures.job("batch", 1).toBuilder().type(Job.TYPE_BATCH).build();
    schedule(batch);
    String svcNode = state.allocsByJob("default", "svc").get(0).nodeId();
    Allocation batchAlloc = state.allocsByJob("default", "batch").get(0);
    apply(new Command.AllocClientUpdate(List.of(batchAlloc.toBuilder()
        .clientStatus(Allocation.CLIENT_COMPLETE).build()), List.of(), 0));
    apply(new Command.NodeStatusUpdate(svcNode, Node.STATUS_DOWN, "gone", List.of(), 0));

    Plan svc = GenericScheduler.computePlan(state,
        Evaluation.builder().id("x").jobId("svc").build(), ids, 0);
    Plan again = GenericScheduler.computePlan(state,
        Evaluation.builder().id("y").jobId("batch").build(), ids, 0);

    assertEquals(1, svc.placements().size());
    assertTrue(!svc.placements().get(0).nodeId().equals(svcNode));
    assertTrue(again.placements().isEmpty(), again.toString());
  }
}
