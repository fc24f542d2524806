package dev.caravan.cluster.scheduler.feasible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.AllocatedPort;
import dev.caravan.cluster.structs.AllocatedResources;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.Resources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Usage read per node from the state when first looked at, then kept up to date by the pass. */
class NodeUsageTest {
  private long index;
  private StateImage state = StateImage.EMPTY;

  private void apply(Command c) {
    state = StateMachineCore.apply(state, ++index, c);
  }

  private static Allocation alloc(String id, String job, String node, int cpu, int port) {
    return Allocation.builder().id(id).namespace("default").jobId(job).taskGroup("web")
        .name(job + ".web[0]").nodeId(node)
        .allocatedResources(new AllocatedResources(
            Map.of("server", new Resources(cpu, 0, 100, 0, 0)),
            port > 0 ? List.of(new AllocatedPort("http", port, port, "127.0.0.1")) : List.of(),
            0))
        .build();
  }

  private void setUp() {
    for (String n : List.of("n1", "n2", "n3")) {
      apply(new Command.NodeRegister(Fixtures.node(n, 1000, 1000), 0));
    }
    apply(new Command.PlanApply("e1", List.of(alloc("a1", "web", "n1", 300, 8080),
        alloc("a2", "db", "n1", 200, 0), alloc("a3", "web", "n2", 400, 0)), List.of(), 0));
    // a terminal allocation holds nothing
    apply(new Command.PlanApply("e2", List.of(), List.of(state.alloc("a2").orElseThrow()
        .toBuilder().desiredStatus(Allocation.DESIRED_STOP).build()), 0));
  }

  @Test
  void readsOnlyTheNodesItIsAskedAboutAndSkipsTerminalAllocations() {
    setUp();
    NodeUsage usage = NodeUsage.resourcesOf(state);
    Node n1 = state.node("n1").orElseThrow();

    assertEquals(300, usage.cpuUsed("n1"));
    assertEquals("network: reserved port collision", usage.exhaustedDimension(n1,
        alloc("x", "other", "n1", 10, 8080).allocatedResources()));
    assertEquals(1, usage.nodesRead());
  }

  @Test
  void plannedPlacementsAndStopsChangeTheUsageReadFromTheState() {
    setUp();
    NodeUsage usage = NodeUsage.forJob(state, "default", "web");
    Node n2 = state.node("n2").orElseThrow();

    usage.add(alloc("a4", "web", "n2", 600, 0));
    assertEquals(1000, usage.cpuUsed("n2"));
    assertEquals("cpu", usage.exhaustedDimension(n2,
        alloc("x", "web", "n2", 1, 0).allocatedResources()));
    usage.release(state.alloc("a3").orElseThrow());
    assertEquals(600, usage.cpuUsed("n2"));
    assertNull(usage.exhaustedDimension(n2, alloc("x", "web", "n2", 400, 0).allocatedResources()));
  }

  @Test
  void countsTheScheduledJobPerNodeFromItsAllocations() {
    setUp();
    NodeUsage usage = NodeUsage.forJob(state, "default", "web");

    assertEquals(1, usage.count("n1", "default", "web", null));
    assertEquals(1, usage.count("n2", "default", "web", "web"));
    assertEquals(0, usage.count("n3", "default", "web", null));
    assertEquals(Map.of("n1", 1, "n2", 1), usage.nodesOf("default", "web", null));
    // counting the job needed no node's allocations
    assertEquals(0, usage.nodesRead());
  }

  @Test
  void aPassReadingEveryNodeReadsEachNodeOnceWithPlannedChangesKept() {
    int nodes = 80;
    List<Allocation> placed = new java.util.ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      apply(new Command.NodeRegister(Fixtures.node("n" + i, 1000, 1000), 0));
      placed.add(alloc("a" + i, "j" + (i % 3), "n" + i, 10 + i, 0));
    }
    apply(new Command.PlanApply("e1", placed, List.of(), 0));
    NodeUsage usage = NodeUsage.forJob(state, "default", "j0");
    usage.add(alloc("extra", "j0", "n5", 7, 0)); // a placement before n5 is read

    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < nodes; i++) {
        assertEquals(10 + i + (i == 5 ? 7 : 0), usage.cpuUsed("n" + i), "n" + i);
      }
    }
    assertEquals(nodes, usage.nodesRead());
    assertEquals(0, usage.cpuUsed("unknown"));
  }

  @Test
  void aNodesMemoizedUsageFollowsItsAllocationsAcrossImages() {
    setUp();
    StateImage before = state;
    Node n1 = before.node("n1").orElseThrow();
    NodeUsage first = NodeUsage.resourcesOf(before);
    assertEquals(300, first.cpuUsed("n1"));
    // a pass changing its own copy leaves the memo alone
    first.add(alloc("p", "web", "n1", 50, 9090));
    assertEquals(300, NodeUsage.resourcesOf(before).cpuUsed("n1"));
    assertNull(NodeUsage.resourcesOf(before).exhaustedDimension(n1,
        alloc("x", "other", "n1", 1, 9090).allocatedResources()));

    apply(new Command.PlanApply("e3", List.of(alloc("a5", "db", "n1", 100, 9090)), List.of(), 0));
    NodeUsage after = NodeUsage.resourcesOf(state);
    assertEquals(400, after.cpuUsed("n1"));
    assertEquals("network: reserved port collision", after.exhaustedDimension(n1,
        alloc("x", "other", "n1", 1, 9090).allocatedResources()));
    assertEquals(400, NodeUsage.resourcesOf(state).cpuUsed("n1"));
    // the older image still reads what it held
    assertEquals(300, NodeUsage.resourcesOf(before).cpuUsed("n1"));
    // stopping an allocation changes the node's usage too
    apply(new Command.PlanApply("e4", List.of(), List.of(state.alloc("a1").orElseThrow()
        .toBuilder().desiredStatus(Allocation.DESIRED_STOP).build()), 0));
    assertEquals(100, NodeUsage.resourcesOf(state).cpuUsed("n1"));
  }

  /**
   * Seeded random placements, moves, stops, in-place updates and client updates: after every
   * command the usage each node's memo carries from the image before (read after every
   * command, so that it is always carried) equals a full scan of the state's allocations.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void usageCarriedFromImageToImageEqualsAFullScan(long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    List<String> nodes = List.of("n0", "n1", "n2", "n3");
    for (String n : nodes) {
      apply(new Command.NodeRegister(Fixtures.node(n, 100_000, 100_000), 0));
    }
    for (int step = 0; step < 300; step++) {
      List<Allocation> all = state.allocs();
      Allocation some = all.isEmpty() ? null : all.get(r.nextInt(all.size()));
      String node = nodes.get(r.nextInt(nodes.size()));
      int port = r.nextInt(3) == 0 ? 8000 + r.nextInt(4) : 0;
      Command c = switch (some == null ? 0 : r.nextInt(5)) {
        case 0 -> new Command.PlanApply("e", List.of(alloc("a" + r.nextInt(40),
            "j" + r.nextInt(3), node, 1 + r.nextInt(500), port)), List.of(), 0);
        case 1 -> new Command.PlanApply("e", List.of(alloc(some.id(), some.jobId(), node,
            1 + r.nextInt(500), port)), List.of(), 0); // moved or resized in place
        case 2 -> new Command.PlanApply("e", List.of(), List.of(some.toBuilder()
            .desiredStatus(Allocation.DESIRED_STOP).build()), 0);
        case 3 -> new Command.AllocClientUpdate(List.of(Allocation.builder().id(some.id())
            .namespace(some.namespace()).jobId(some.jobId()).clientStatus(
                r.nextBoolean() ? Allocation.CLIENT_RUNNING : Allocation.CLIENT_COMPLETE)
            .build()), List.of(), 0);
        default -> new Command.PlanApply("e", List.of(alloc("b" + step, "j0", node, 7, 0),
            alloc("c" + step, "j1", nodes.get(r.nextInt(nodes.size())), 3, port)), List.of(),
            0);
      };
      apply(c);

      NodeUsage carried = NodeUsage.resourcesOf(state);
      NodeUsage scanned = NodeUsage.of(state);
      for (String n : nodes) {
        assertEquals(scanned.cpuUsed(n), carried.cpuUsed(n), n + " cpu at step " + step);
        assertEquals(scanned.memoryUsed(n), carried.memoryUsed(n), n + " memory at " + step);
        Node nodeObject = state.node(n).orElseThrow();
        for (int p = 8000; p < 8004; p++) {
          AllocatedResources ask = alloc("x", "x", n, 1, p).allocatedResources();
          assertEquals(scanned.exhaustedDimension(nodeObject, ask),
              carried.exhaustedDimension(nodeObject, ask), n + " port " + p + " at " + step);
        }
      }
    }
  }
}
