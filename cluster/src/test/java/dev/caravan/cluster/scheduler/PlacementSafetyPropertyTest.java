package dev.caravan.cluster.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.AllocatedPort;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.DrainStrategy;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NetworkResource;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.Port;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random clusters and jobs: whatever the scheduler plans, no node is over-committed
 * (CPU, memory, ports) and nothing lands on a node that is down, ineligible or draining.
 */
class PlacementSafetyPropertyTest {
  private long index;
  private StateImage state = StateImage.EMPTY;
  private final AtomicInteger ids = new AtomicInteger();

  static LongStream seeds() {
    return LongStream.range(1, 41);
  }

  private void apply(Command c) {
    state = StateMachineCore.apply(state, ++index, c);
  }

  private static Node randomNode(SplittableRandom r, int i) {
    Node n = Fixtures.node("n" + i, 500 + r.nextInt(4000), 500 + r.nextInt(4000)).toBuilder()
        .datacenter(r.nextBoolean() ? "dc1" : "dc2")
        .attributes(Map.of("kernel.name", r.nextInt(4) == 0 ? "windows" : "linux"))
        .meta(Map.of("rack", "r" + r.nextInt(3))).build();
    return switch (r.nextInt(6)) {
      case 0 -> n.toBuilder().schedulingEligibility(Node.INELIGIBLE).build();
      case 1 -> n.toBuilder().drainStrategy(new DrainStrategy(null, false, 0, 0)).build();
      default -> n;
    };
  }

  private static Job randomJob(SplittableRandom r, int i) {
    Job base = Fixtures.job("j" + i, 1 + r.nextInt(12), 50 + r.nextInt(900),
        50 + r.nextInt(900));
    List<Port> reserved = r.nextInt(3) == 0
        ? List.of(new Port("fixed", 8000 + r.nextInt(3), 0, null)) : List.of();
    List<Port> dynamic = new ArrayList<>();
    for (int p = r.nextInt(3); p > 0; p--) {
      dynamic.add(new Port("d" + p, 0, 0, null));
    }
    List<Constraint> constraints = new ArrayList<>();
    if (r.nextBoolean()) {
      constraints.add(new Constraint("${attr.kernel.name}", "linux", "="));
    }
    if (r.nextInt(4) == 0) {
      constraints.add(new Constraint("", "true", "distinct_hosts"));
    }
    return base.toBuilder().datacenters(List.of(r.nextBoolean() ? "dc*" : "dc1"))
        .type(r.nextInt(4) == 0 ? Job.TYPE_BATCH : Job.TYPE_SERVICE)
        .constraints(constraints)
        .taskGroups(List.of(base.taskGroups().get(0).toBuilder().networks(List.of(
            new NetworkResource(null, null, null, null, 0, reserved, dynamic))).build()))
        .build();
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void noPlanOverCommitsANodeOrUsesAnUnschedulableOne(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int nodes = 3 + r.nextInt(15);
    for (int i = 0; i < nodes; i++) {
      apply(new Command.NodeRegister(randomNode(r, i), 0));
    }

    for (int round = 0; round < 25; round++) {
      if (r.nextInt(5) == 0) {
        apply(new Command.NodeStatusUpdate("n" + r.nextInt(nodes), Node.STATUS_DOWN, "gone",
            List.of(), 0));
      }
      Job job = randomJob(r, r.nextInt(10));
      Evaluation eval = Evaluation.builder().id("e" + round).jobId(job.id()).type(job.type())
          .build();
      apply(new Command.JobRegister(job, false, 0, eval, 0));
      Plan plan = GenericScheduler.computePlan(state, eval, () -> "a" + ids.incrementAndGet(), 0);

      for (Allocation a : plan.placements()) {
        Node n = state.node(a.nodeId()).orElseThrow();
        assertTrue(n.isSchedulable() || state.alloc(a.id()).isPresent(),
            "placed on unschedulable node " + n.id() + " (seed " + seed + ")");
      }
      apply(new Command.PlanApply(eval.id(), plan.placements(), plan.stops(), 0));
      assertNothingOverCommitted(seed);
    }
  }

  private void assertNothingOverCommitted(long seed) {
    Map<String, int[]> used = new HashMap<>();
    Map<String, Set<Integer>> ports = new HashMap<>();
    for (Allocation a : state.allocs()) {
      if (a.isTerminal()) {
        continue;
      }
      int[] u = used.computeIfAbsent(a.nodeId(), k -> new int[2]);
      u[0] += a.allocatedResources().cpu();
      u[1] += a.allocatedResources().memoryMb();
      for (AllocatedPort p : a.allocatedResources().ports()) {
        assertTrue(ports.computeIfAbsent(a.nodeId(), k -> new HashSet<>()).add(p.value()),
            "port " + p.value() + " given twice on " + a.nodeId() + " (seed " + seed + ")");
      }
    }
    used.forEach((nodeId, u) -> {
      Node n = state.node(nodeId).orElseThrow();
      assertTrue(u[0] <= n.nodeResources().cpuShares(), "cpu over-committed on " + nodeId
          + " (seed " + seed + ")");
      assertTrue(u[1] <= n.nodeResources().memoryMb(), "memory over-committed on " + nodeId
          + " (seed " + seed + ")");
    });
  }
}
