package dev.caravan.cluster.scheduler.feasible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.AllocMetric;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.TaskGroup;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Static feasibility memoized per node set and group key: shared by passes on the same nodes
 * and by groups asking the same, computed again for any other node set or key.
 */
class NodeCatalogTest {
  private static final Constraint LINUX = new Constraint("${attr.kernel.name}", "linux", "=");
  private static final Constraint RACK_A = new Constraint("${meta.rack}", "a", "=");

  private long index;
  private StateImage state = StateImage.EMPTY;
  private final NodeCatalog.Cache cache = new NodeCatalog.Cache();

  private void apply(Command c) {
    state = StateMachineCore.apply(state, ++index, c);
  }

  private static Node node(String id, String kernel, String rack) {
    return Fixtures.node(id, 4000, 4000).toBuilder().status(Node.STATUS_READY)
        .attributes(Map.of("kernel.name", kernel)).meta(Map.of("rack", rack)).build();
  }

  private static Job job(String id, List<Constraint> groupConstraints) {
    Job job = Fixtures.job(id, 1);
    TaskGroup g = job.taskGroups().get(0).toBuilder().constraints(groupConstraints).build();
    return job.toBuilder().taskGroups(List.of(g)).build();
  }

  private static List<String> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).sorted().toList();
  }

  private NodeCatalog.Feasibility feasibility(Job job) {
    return cache.of(state).feasibility(job, job.taskGroups().get(0));
  }

  private void register(Node n) {
    apply(new Command.NodeRegister(n, 0));
  }

  @Test
  void passesOnTheSameNodeSetShareOneCatalogAndGroupsWithTheSameKeyOneEntry() {
    register(node("n1", "linux", "a"));
    register(node("n2", "windows", "a"));
    NodeCatalog first = cache.of(state);
    NodeCatalog.Feasibility web = feasibility(job("web", List.of(LINUX)));

    // allocations change, the nodes do not
    apply(new Command.PlanApply("e1", List.of(Allocation.builder().id("a1").namespace("default")
        .jobId("web").taskGroup("web").nodeId("n1").build()), List.of(), 0));

    assertSame(first, cache.of(state));
    assertSame(web, feasibility(job("api", List.of(LINUX))));
    assertEquals(1, first.memoized());
    assertEquals(List.of("n1"), ids(web.feasible()));
  }

  @Test
  void groupsWithDifferentConstraintsDoNotShareAnEntry() {
    register(node("n1", "linux", "a"));
    register(node("n2", "linux", "b"));
    register(node("n3", "windows", "a"));

    NodeCatalog.Feasibility linux = feasibility(job("web", List.of(LINUX)));
    NodeCatalog.Feasibility rackA = feasibility(job("web", List.of(RACK_A)));
    NodeCatalog.Feasibility both = feasibility(job("web", List.of(LINUX, RACK_A)));

    assertEquals(List.of("n1", "n2"), ids(linux.feasible()));
    assertEquals(List.of("n1", "n3"), ids(rackA.feasible()));
    assertEquals(List.of("n1"), ids(both.feasible()));
    assertEquals(Map.of("${meta.rack} = a", 1), rackA.constraintFiltered());
    assertEquals(3, cache.of(state).memoized());
  }

  @Test
  void aNodeWhoseAttributesChangeIsCheckedAgain() {
    register(node("n1", "linux", "a"));
    register(node("n2", "windows", "a"));
    Job web = job("web", List.of(LINUX));
    assertEquals(List.of("n1"), ids(feasibility(web).feasible()));
    NodeCatalog before = cache.of(state);

    register(node("n2", "linux", "a"));

    assertNotSame(before, cache.of(state));
    assertEquals(List.of("n1", "n2"), ids(feasibility(web).feasible()));
    register(node("n1", "windows", "a"));
    assertEquals(List.of("n2"), ids(feasibility(web).feasible()));
    assertEquals(Map.of("${attr.kernel.name} = linux", 1), feasibility(web).constraintFiltered());
  }

  @Test
  void aNewNodeOrAStatusChangeIsSeenByTheNextPass() {
    register(node("n1", "linux", "a"));
    Job web = job("web", List.of(LINUX));
    assertEquals(List.of("n1"), ids(feasibility(web).feasible()));

    register(node("n2", "linux", "b"));
    assertEquals(List.of("n1", "n2"), ids(feasibility(web).feasible()));
    assertEquals(2, feasibility(web).evaluated());

    apply(new Command.NodeStatusUpdate("n1", Node.STATUS_DOWN, "test", List.of(), 0));
    assertEquals(List.of("n2"), ids(feasibility(web).feasible()));
    assertEquals(1, feasibility(web).evaluated());
  }

  @Test
  void anOlderImageStillGetsItsOwnNodes() {
    register(node("n1", "linux", "a"));
    StateImage old = state;
    register(node("n2", "linux", "a"));
    Job web = job("web", List.of(LINUX));

    assertEquals(List.of("n1", "n2"), ids(feasibility(web).feasible()));
    assertEquals(List.of("n1"), ids(cache.of(old).feasibility(web, web.taskGroups().get(0))
        .feasible()));
  }

  @Test
  void metricsFromASharedCatalogEqualThoseOfAFreshOne() {
    for (int i = 0; i < 12; i++) {
      register(node("n" + i, i % 3 == 0 ? "windows" : "linux", i % 2 == 0 ? "a" : "b")
          .toBuilder().nodeClass(i % 4 == 0 ? "big" : "").datacenter("dc" + (i % 2)).build());
    }
    Job web = job("web", List.of(LINUX, RACK_A)).toBuilder().datacenters(List.of("dc*")).build();
    TaskGroup group = web.taskGroups().get(0);
    cache.of(state).feasibility(job("warm", List.of(LINUX, RACK_A)).toBuilder()
        .datacenters(List.of("dc*")).build(), group); // an equal key memoized by another job

    AllocMetric shared = new NodeSelector(cache.of(state), new NodeUsage(),
        new SplittableRandom(3)).select(web, group).metric();
    AllocMetric fresh = new NodeSelector(state.nodes(), new NodeUsage(),
        new SplittableRandom(3)).select(web, group).metric();

    assertEquals(fresh, shared);
    assertEquals(12, shared.nodesEvaluated());
    assertEquals(Map.of("dc0", 6, "dc1", 6), shared.nodesAvailable());
    assertEquals(8, shared.nodesFiltered());
  }
}
