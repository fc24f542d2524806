package dev.caravan.cluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.scheduler.GenericScheduler;
import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.cluster.scheduler.PlanResult;
import dev.caravan.cluster.scheduler.Planner;
import dev.caravan.cluster.scheduler.feasible.NodeUsage;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.AllocatedPort;
import dev.caravan.cluster.structs.AllocatedResources;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NetworkResource;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.Port;
import dev.caravan.cluster.structs.Resources;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plan applier's optimistic concurrency: plans computed on the same (stale) state race for
 * the same nodes; the applier refuses what would over-commit a node, alone or in a batch, and
 * never lets an unschedulable node receive an allocation.
 */
class PlanApplierTest {
  private long index;
  private StateImage state = StateImage.EMPTY;
  private final AtomicInteger ids = new AtomicInteger();

  private synchronized void apply(Command c) {
    state = StateMachineCore.apply(state, ++index, c);
  }

  private synchronized StateImage state() {
    return state;
  }

  private static Node ready(Node n) {
    return n.toBuilder().status(Node.STATUS_READY).build();
  }

  private static Allocation alloc(String id, String node, int cpu, int memory, int... ports) {
    List<AllocatedPort> ps = new ArrayList<>();
    for (int p : ports) {
      ps.add(new AllocatedPort("p" + p, p, p, "127.0.0.1"));
    }
    return Allocation.builder().id(id).namespace("default").jobId("j-" + id).taskGroup("web")
        .name("j-" + id + ".web[0]").nodeId(node)
        .allocatedResources(new AllocatedResources(
            Map.of("server", new Resources(cpu, 0, memory, 0, 0)), ps, 0))
        .build();
  }

  private static Plan plan(String eval, boolean allAtOnce, List<Allocation> placements,
      List<Allocation> stops) {
    return new Plan(eval, null, placements, stops, null, null, null, allAtOnce);
  }

  @Test
  void twoPlansRacingForOneNodeTheSecondIsRefused() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 1000, 1000), 0));
    // both computed on the same empty state: each fits alone, not both
    Plan first = plan("e1", false, List.of(alloc("a1", "n1", 600, 100)), List.of());
    Plan second = plan("e2", false, List.of(alloc("a2", "n1", 600, 100)), List.of());
    NodeUsage usage = NodeUsage.resourcesOf(state);

    PlanApplier.Checked one = PlanApplier.check(first, state, usage);
    PlanApplier.Checked two = PlanApplier.check(second, state, usage);

    assertEquals(List.of("a1"), one.accepted().stream().map(Allocation::id).toList());
    assertFalse(one.partial());
    assertEquals(List.of(), two.accepted());
    assertTrue(two.partial());
  }

  @Test
  void onlyTheOverCommittingPartOfAPlanIsRefused() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 1000, 1000), 0));
    apply(new Command.NodeRegister(Fixtures.node("n2", 1000, 1000), 0));
    apply(new Command.PlanApply("e0", List.of(alloc("old", "n1", 700, 100)), List.of(), 0));
    Plan p = plan("e1", false, List.of(alloc("a1", "n1", 400, 100), alloc("a2", "n2", 400, 100)),
        List.of());

    PlanApplier.Checked c = PlanApplier.check(p, state, NodeUsage.resourcesOf(state));

    assertEquals(List.of("a2"), c.accepted().stream().map(Allocation::id).toList());
    assertTrue(c.partial());
  }

  @Test
  void aRefusedAllAtOncePlanCommitsNothingAndHoldsNothing() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 1000, 1000), 0));
    apply(new Command.NodeRegister(Fixtures.node("n2", 1000, 1000), 0));
    apply(new Command.PlanApply("e0", List.of(alloc("old", "n1", 700, 100)), List.of(), 0));
    NodeUsage usage = NodeUsage.resourcesOf(state);
    // the stop frees n1 so a2 fits there; a1 cannot fit on n2: the whole plan is refused
    Plan all = plan("e1", true, List.of(alloc("a2", "n1", 400, 100), alloc("a1", "n2", 1100, 100)),
        List.of(alloc("old", "n1", 700, 100)));

    PlanApplier.Checked c = PlanApplier.check(all, state, usage);
    // n1 must hold exactly `old` again: 300 more fit, 100 beyond that do not
    PlanApplier.Checked next = PlanApplier.check(
        plan("e2", false, List.of(alloc("a3", "n1", 300, 100), alloc("a4", "n1", 100, 100)),
            List.of()), state, usage);

    assertEquals(List.of(), c.accepted());
    assertEquals(List.of(), c.stops());
    assertTrue(c.partial());
    assertEquals(List.of("a3"), next.accepted().stream().map(Allocation::id).toList());
    assertTrue(next.partial());
  }

  @Test
  void stopsInThePlanFreeRoomForItsPlacements() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 1000, 1000), 0));
    apply(new Command.PlanApply("e0", List.of(alloc("old", "n1", 700, 100, 8080)), List.of(), 0));
    Allocation stop = state.alloc("old").orElseThrow().toBuilder()
        .desiredStatus(Allocation.DESIRED_STOP).build();

    PlanApplier.Checked c = PlanApplier.check(
        plan("e1", false, List.of(alloc("new", "n1", 900, 100, 8080)), List.of(stop)), state,
        NodeUsage.resourcesOf(state));

    assertEquals(List.of("new"), c.accepted().stream().map(Allocation::id).toList());
    assertFalse(c.partial());
  }

  @Test
  void aPortTakenByAnEarlierPlanOfTheBatchIsRefused() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 4000, 4000), 0));
    NodeUsage usage = NodeUsage.resourcesOf(state);
    PlanApplier.check(plan("e1", false, List.of(alloc("a1", "n1", 10, 10, 20001)), List.of()),
        state, usage);

    PlanApplier.Checked c = PlanApplier.check(
        plan("e2", false, List.of(alloc("a2", "n1", 10, 10, 20001)), List.of()), state, usage);

    assertEquals(List.of(), c.accepted());
    assertTrue(c.partial());
  }

  @Test
  void nothingLandsOnANodeThatBecameIneligible() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 1000, 1000), 0));
    Plan p = plan("e1", false, List.of(alloc("a1", "n1", 100, 100)), List.of());
    apply(new Command.NodeStatusUpdate("n1", Node.STATUS_DOWN, "gone", List.of(), 0));

    PlanApplier.Checked c = PlanApplier.check(p, state, NodeUsage.resourcesOf(state));

    assertEquals(List.of(), c.accepted());
    assertTrue(c.partial());
  }

  static LongStream seeds() {
    return LongStream.range(1, 16);
  }

  /**
   * Several scheduler threads run the real service/batch scheduler concurrently on whatever
   * state they read, submitting through one running applier that batches: at the end no node
   * is over-committed (CPU, memory, ports) and nothing sits on an ineligible node.
   */
  @ParameterizedTest
  @MethodSource("seeds")
  void parallelWorkersThroughTheApplierNeverOverCommit(long seed) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    int nodes = 2 + r.nextInt(6);
    for (int i = 0; i < nodes; i++) {
      Node n = Fixtures.node("n" + i, 500 + r.nextInt(2000), 500 + r.nextInt(2000));
      if (r.nextInt(5) == 0) {
        n = n.toBuilder().schedulingEligibility(Node.INELIGIBLE).build();
      }
      apply(new Command.NodeRegister(n, 0));
    }
    PlanApplier applier = new PlanApplier(new PlanApplier.Port() {
      @Override public ClusterState state() {
        return PlanApplierTest.this.state();
      }

      @Override public long propose(Command command) {
        apply(command);
        return index;
      }

      @Override public long now() {
        return 0;
      }
    }, "test-" + seed);
    Planner planner = new Planner() {
      @Override public PlanResult submitPlan(Plan plan) throws InterruptedException {
        return applier.submit(plan);
      }

      @Override public void updateEval(Evaluation eval) {
        apply(new Command.EvalUpsert(List.of(eval), 0));
      }

      @Override public void createEval(Evaluation eval) {
        apply(new Command.EvalUpsert(List.of(eval), 0));
      }
    };
    int jobs = 6 + r.nextInt(6);
    List<Job> specs = new ArrayList<>();
    for (int j = 0; j < jobs; j++) {
      Job base = Fixtures.job("j" + j, 1 + r.nextInt(8), 100 + r.nextInt(600),
          100 + r.nextInt(600));
      List<Port> reserved = r.nextInt(3) == 0 ? List.of(new Port("fixed", 9000, 0, null))
          : List.of();
      specs.add(base.toBuilder().type(r.nextBoolean() ? Job.TYPE_BATCH : Job.TYPE_SERVICE)
          .taskGroups(List.of(base.taskGroups().get(0).toBuilder().networks(List.of(
              new NetworkResource(null, null, null, null, 0, reserved,
                  List.of(new Port("http", 0, 0, null))))).build()))
          .build());
    }
    for (Job job : specs) {
      apply(new Command.JobRegister(job, false, 0, null, 0));
    }
    ExecutorService workers = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Job job : specs) {
        Evaluation eval = Evaluation.builder().id("e-" + job.id()).jobId(job.id())
            .type(job.type()).build();
        done.add(workers.submit(() -> {
          new GenericScheduler(this::state, planner, () -> "a" + ids.incrementAndGet(),
              Clock.systemUTC()).process(eval);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      workers.shutdownNow();
      applier.stop();
    }
    assertNothingOverCommitted(seed);
  }

  private void assertNothingOverCommitted(long seed) {
    Map<String, int[]> used = new HashMap<>();
    Map<String, Set<Integer>> ports = new HashMap<>();
    for (Allocation a : state.allocs()) {
      if (a.isTerminal()) {
        continue;
      }
      Node n = state.node(a.nodeId()).orElseThrow();
      assertTrue(n.isSchedulable(), "placed on ineligible " + n.id() + " (seed " + seed + ")");
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
