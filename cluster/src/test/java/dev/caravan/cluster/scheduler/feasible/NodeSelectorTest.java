package dev.caravan.cluster.scheduler.feasible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.structs.Affinity;
import dev.caravan.cluster.structs.AllocMetric;
import dev.caravan.cluster.structs.AllocatedPort;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.DrainStrategy;
import dev.caravan.cluster.structs.DriverInfo;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NetworkResource;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.Port;
import dev.caravan.cluster.structs.Spread;
import dev.caravan.cluster.structs.TaskGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NodeSelectorTest {
  private final NodeUsage usage = new NodeUsage();
  private int allocs;

  private static Node node(String id, Map<String, String> meta) {
    return Fixtures.node(id, 4000, 4000).toBuilder().status(Node.STATUS_READY).meta(meta)
        .attributes(Map.of("kernel.name", id.startsWith("win") ? "windows" : "linux")).build();
  }

  private static Node node(String id) {
    return node(id, Map.of());
  }

  private static TaskGroup group(Job job) {
    return job.taskGroups().get(0);
  }

  private static Job withGroup(Job job, TaskGroup.Builder change) {
    return job.toBuilder().taskGroups(List.of(change.build())).build();
  }

  /** Places {@code n} allocations one after the other, as computePlan does. */
  private List<NodeSelector.Selection> place(List<Node> nodes, Job job, int n) {
    NodeSelector selector = new NodeSelector(nodes, usage, new SplittableRandom(7));
    List<NodeSelector.Selection> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NodeSelector.Selection s = selector.select(job, group(job));
      out.add(s);
      if (s.node() != null) {
        usage.add(Allocation.builder().id("a" + allocs++).namespace(job.namespace())
            .jobId(job.id()).taskGroup(group(job).name()).nodeId(s.node().id())
            .allocatedResources(s.resources()).build());
      }
    }
    return out;
  }

  @Test
  void leavesOutNodesThatAreDownIneligibleDrainingOrInOtherDatacentersAndPools() {
    List<Node> nodes = List.of(
        node("down").toBuilder().status(Node.STATUS_DOWN).build(),
        node("inel").toBuilder().schedulingEligibility(Node.INELIGIBLE).build(),
        node("drain").toBuilder().drainStrategy(new DrainStrategy(null, false, 0, 0)).build(),
        node("eu").toBuilder().datacenter("eu-1").build(),
        node("pool").toBuilder().nodePool("gpu").build(),
        node("ok"));
    Job job = Fixtures.job("web", 1).toBuilder().datacenters(List.of("dc*")).build();

    NodeSelector.Selection s = place(nodes, job, 1).get(0);

    assertEquals("ok", s.node().id());
    assertEquals(1, s.metric().nodesEvaluated());
    assertEquals(Map.of("dc1", 1), s.metric().nodesAvailable());
  }

  @Test
  void nodePoolAllReachesEveryPool() {
    List<Node> nodes = List.of(node("pool").toBuilder().nodePool("gpu").build());

    Job job = Fixtures.job("web", 1).toBuilder().nodePool("all").build();

    assertEquals("pool", place(nodes, job, 1).get(0).node().id());
  }

  @Test
  void reportsConstraintFilteredAndDimensionExhaustedAsNomadDoes() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(node("win" + i));
    }
    nodes.add(node("sick").toBuilder()
        .drivers(Map.of("mock", new DriverInfo(true, false, "unhealthy", Map.of(), 0))).build());
    nodes.add(Fixtures.node("small1", 4000, 100).toBuilder().status(Node.STATUS_READY).build());
    nodes.add(Fixtures.node("small2", 4000, 100).toBuilder().status(Node.STATUS_READY).build());
    Job job = Fixtures.job("web", 1, 100, 500).toBuilder()
        .constraints(List.of(new Constraint("${attr.kernel.name}", "linux", "="))).build();
    nodes.set(4, nodes.get(4).toBuilder().attributes(Map.of("kernel.name", "linux")).build());
    nodes.set(5, nodes.get(5).toBuilder().attributes(Map.of("kernel.name", "linux")).build());

    AllocMetric m = place(nodes, job, 1).get(0).metric();

    assertEquals(6, m.nodesEvaluated());
    assertEquals(4, m.nodesFiltered());
    assertEquals(Map.of("${attr.kernel.name} = linux", 3, "missing drivers", 1),
        m.constraintFiltered());
    assertEquals(2, m.nodesExhausted());
    assertEquals(Map.of("memory", 2), m.dimensionExhausted());
  }

  @Test
  void groupAndTaskConstraintsFilterToo() {
    List<Node> nodes = List.of(node("a", Map.of("rack", "r1")), node("b", Map.of("rack", "r2")));
    Job base = Fixtures.job("web", 1);
    TaskGroup g = group(base);
    Job job = withGroup(base, g.toBuilder()
        .constraints(List.of(new Constraint("${meta.rack}", "r", "regexp")))
        .tasks(List.of(g.tasks().get(0).toBuilder()
            .constraints(List.of(new Constraint("${meta.rack}", "r2", "="))).build())));

    assertEquals("b", place(nodes, job, 1).get(0).node().id());
  }

  @Test
  void staticPortsConflictWithAllocationsOnTheNode() {
    List<Node> nodes = List.of(node("a"), node("b"));
    Job base = Fixtures.job("web", 1);
    Job job = withGroup(base, group(base).toBuilder().networks(List.of(new NetworkResource(
        null, null, null, null, 0, List.of(new Port("http", 8080, 0, null)), List.of()))));

    List<NodeSelector.Selection> s = place(nodes, job, 3);

    assertNotNull(s.get(0).node());
    assertNotNull(s.get(1).node());
    assertTrue(!s.get(0).node().id().equals(s.get(1).node().id()));
    assertNull(s.get(2).node());
    assertEquals(Map.of("network: reserved port collision http=8080", 2),
        s.get(2).metric().dimensionExhausted());
    assertEquals(new AllocatedPort("http", 8080, 0, "127.0.0.1"),
        s.get(0).resources().ports().get(0));
  }

  @Test
  void dynamicPortsAreDistinctPerNodeAndInNomadsRange() {
    List<Node> nodes = List.of(node("a"));
    Job base = Fixtures.job("web", 1, 10, 10);
    Job job = withGroup(base, group(base).toBuilder().networks(List.of(new NetworkResource(
        null, null, null, null, 0, List.of(),
        List.of(new Port("http", 0, 8080, null), new Port("admin", 0, -1, null))))));

    List<NodeSelector.Selection> s = place(nodes, job, 50);

    Set<Integer> seen = new HashSet<>();
    for (NodeSelector.Selection sel : s) {
      for (AllocatedPort p : sel.resources().ports()) {
        assertTrue(p.value() >= 20000 && p.value() <= 32000, p.toString());
        assertTrue(seen.add(p.value()), "port given twice: " + p);
        assertEquals(p.label().equals("http") ? 8080 : p.value(), p.to());
      }
    }
    assertEquals(100, seen.size());
  }

  @Test
  void distinctHostsPutsOneAllocationPerNode() {
    List<Node> nodes = List.of(node("a"), node("b"), node("c"));
    Job job = Fixtures.job("web", 4).toBuilder()
        .constraints(List.of(new Constraint("", "true", "distinct_hosts"))).build();

    List<NodeSelector.Selection> s = place(nodes, job, 4);

    assertEquals(Set.of("a", "b", "c"),
        Set.of(s.get(0).node().id(), s.get(1).node().id(), s.get(2).node().id()));
    assertNull(s.get(3).node());
    assertEquals(Map.of("distinct_hosts", 3), s.get(3).metric().constraintFiltered());
  }

  @Test
  void distinctPropertyAllowsAtMostTheValueCountPerPropertyValue() {
    List<Node> nodes = List.of(node("a", Map.of("rack", "r1")), node("b", Map.of("rack", "r1")),
        node("c", Map.of("rack", "r2")), node("d", Map.of("rack", "r2")));
    Job job = Fixtures.job("web", 5).toBuilder()
        .constraints(List.of(new Constraint("${meta.rack}", "2", "distinct_property"))).build();

    List<NodeSelector.Selection> s = place(nodes, job, 5);

    Map<String, Integer> perRack = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      perRack.merge(s.get(i).node().meta().get("rack"), 1, Integer::sum);
    }
    assertEquals(Map.of("r1", 2, "r2", 2), perRack);
    assertNull(s.get(4).node());
  }

  @Test
  void affinityPrefersMatchingNodesAndNegativeWeightAvoidsThem() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      nodes.add(node("n" + i, Map.of("tier", i == 5 ? "gold" : "bronze")));
    }
    Job prefer = Fixtures.job("web", 1).toBuilder()
        .affinities(List.of(new Affinity("${meta.tier}", "gold", "=", 100))).build();
    Job avoid = Fixtures.job("api", 1).toBuilder()
        .affinities(List.of(new Affinity("${meta.tier}", "bronze", "=", -100))).build();

    assertEquals("n5", place(nodes, prefer, 1).get(0).node().id());
    assertEquals("n5", new NodeSelector(nodes, new NodeUsage(), new SplittableRandom(1))
        .select(avoid, group(avoid)).node().id());
  }

  @Test
  void spreadFollowsTargetPercentages() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      nodes.add(node("n" + i, Map.of("zone", i < 5 ? "east" : "west")));
    }
    Job job = Fixtures.job("web", 10, 10, 10).toBuilder().spreads(List.of(new Spread(
        "${meta.zone}", 100,
        List.of(new Spread.SpreadTarget("east", 70), new Spread.SpreadTarget("west", 30)))))
        .build();

    List<NodeSelector.Selection> s = place(nodes, job, 10);

    long east = s.stream().filter(x -> "east".equals(x.node().meta().get("zone"))).count();
    assertEquals(7, east);
  }

  @Test
  void spreadWithoutTargetsEvensOutValues() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      nodes.add(node("n" + i, Map.of("zone", "z" + (i % 3))));
    }
    Job job = Fixtures.job("web", 9, 10, 10).toBuilder()
        .spreads(List.of(new Spread("${meta.zone}", 50, List.of()))).build();

    List<NodeSelector.Selection> s = place(nodes, job, 9);

    Map<String, Integer> perZone = new HashMap<>();
    s.forEach(x -> perZone.merge(x.node().meta().get("zone"), 1, Integer::sum));
    assertEquals(Map.of("z0", 3, "z1", 3, "z2", 3), perZone);
  }

  @Test
  void scoresOnlyALogarithmicNumberOfFittingNodesForServiceJobs() {
    assertEquals(2, NodeSelector.limit(Fixtures.job("a", 1), group(Fixtures.job("a", 1)), 3));
    assertEquals(13, NodeSelector.limit(Fixtures.job("a", 1), group(Fixtures.job("a", 1)), 5000));
    Job batch = Fixtures.job("b", 1).toBuilder().type(Job.TYPE_BATCH).build();
    assertEquals(2, NodeSelector.limit(batch, group(batch), 5000));
  }
}
