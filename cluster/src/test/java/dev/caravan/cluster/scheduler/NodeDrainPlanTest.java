package dev.caravan.cluster.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.DrainStrategy;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NodeDrainPlanTest {
  private long index;
  private StateImage state = StateImage.EMPTY;
  private final AtomicInteger counter = new AtomicInteger();

  private void apply(Command c) {
    state = StateMachineCore.apply(state, ++index, c);
  }

  private Plan evaluate(Job job) {
    Evaluation eval = Evaluation.builder().id("e" + index).jobId(job.id()).type(job.type()).build();
    Plan plan = GenericScheduler.computePlan(state, eval, () -> "a" + counter.incrementAndGet(), 0);
    apply(new Command.PlanApply(eval.id(), plan.placements(), plan.stops(), 0));
    return plan;
  }

  private void drain(String nodeId) {
    apply(new Command.NodeDrainUpdate(nodeId, new DrainStrategy(null, false, 0, 0), false, false,
        List.of(), 0));
  }

  @Test
  void serviceAllocsOnADrainingNodeMoveAndTheOldOnesStopInTheSamePlan() {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    Job job = Fixtures.job("web", 2);
    apply(new Command.JobRegister(job, false, 0, null, 0));
    evaluate(job);
    apply(new Command.NodeRegister(Fixtures.node("b", 4000, 4000), 0));

    drain("a");
    Plan plan = evaluate(job);

    assertEquals(2, plan.placements().size());
    assertTrue(plan.placements().stream().allMatch(a -> a.nodeId().equals("b")));
    assertTrue(plan.placements().stream().allMatch(a -> a.previousAllocation() != null));
    assertEquals(2, plan.stops().size());
    assertTrue(plan.stops().stream().allMatch(a -> a.nodeId().equals("a")
        && "alloc is being migrated".equals(a.desiredDescription())));
  }

  @Test
  void anAllocWithNowhereToGoKeepsRunningOnTheDrainingNode() {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    Job job = Fixtures.job("web", 1);
    apply(new Command.JobRegister(job, false, 0, null, 0));
    evaluate(job);

    drain("a");
    Plan plan = evaluate(job);

    assertTrue(plan.stops().isEmpty());
    assertEquals(1, plan.failedGroupAllocs().size());
    assertTrue(state.allocsByJob("default", "web").stream().noneMatch(Allocation::isTerminal));
  }

  @Test
  void batchAllocsAreLeftToFinishUntilTheDeadline() {
    apply(new Command.NodeRegister(Fixtures.node("a", 4000, 4000), 0));
    apply(new Command.NodeRegister(Fixtures.node("b", 4000, 4000), 0));
    Job job = Fixtures.job("once", 1).toBuilder().type(Job.TYPE_BATCH).build();
    apply(new Command.JobRegister(job, false, 0, null, 0));
    evaluate(job);

    drain(state.allocsByJob("default", "once").get(0).nodeId());

    assertTrue(evaluate(job).isNoOp());
  }
}
