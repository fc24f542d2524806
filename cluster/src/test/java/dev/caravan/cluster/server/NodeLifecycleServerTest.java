package dev.caravan.cluster.server;

import static dev.caravan.cluster.server.ClusterServerTest.awaitLeader;
import static dev.caravan.cluster.server.ClusterServerTest.awaitState;
import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.DrainMetadata;
import dev.caravan.cluster.structs.DrainStrategy;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLifecycleServerTest {
  private static final Duration LONG_TTL = Duration.ofMinutes(10);

  private static boolean liveOn(ClusterState s, String jobId, String nodeId) {
    return s.allocsByJob("default", jobId).stream()
        .anyMatch(a -> nodeId.equals(a.nodeId()) && !a.isTerminal());
  }

  @Test
  void aDrainMigratesServiceAllocsStopsTheRestAtTheDeadlineAndCompletes(@TempDir Path dir)
      throws Exception {
    try (ClusterServer server = ClusterServer.start(
        ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort()), LONG_TTL)) {
      awaitLeader(server);
      server.registerNode(Fixtures.node("n1", 4000, 8000));
      server.registerJob(new Cluster.JobRegisterRequest(Fixtures.job("web", 2), false, 0));
      server.registerJob(new Cluster.JobRegisterRequest(
          Fixtures.job("once", 1).toBuilder().type(Job.TYPE_BATCH).build(), false, 0));
      awaitState(server, st -> liveOn(st, "web", "n1") && liveOn(st, "once", "n1"));
      server.registerNode(Fixtures.node("n2", 4000, 8000));

      server.updateNodeDrain("n1", new DrainStrategy(Duration.ofSeconds(2), false, 0, 0), false);
      ClusterState migrated = awaitState(server, st -> !liveOn(st, "web", "n1"));
      ClusterState done = awaitState(server, st -> st.node("n1").orElseThrow()
          .drainStrategy() == null);

      assertEquals(2, migrated.allocsByJob("default", "web").stream()
          .filter(a -> "n2".equals(a.nodeId()) && !a.isTerminal()).count());
      Node n1 = done.node("n1").orElseThrow();
      assertEquals(DrainMetadata.COMPLETE, n1.lastDrain().status());
      assertEquals(Node.INELIGIBLE, n1.schedulingEligibility());
      assertTrue(done.allocsByJob("default", "once").stream()
          .filter(a -> "n1".equals(a.nodeId()))
          .allMatch(a -> Allocation.DESIRED_STOP.equals(a.desiredStatus())));
    }
  }

  @Test
  void systemJobsReachNodesThatJoinOrBecomeEligible(@TempDir Path dir) throws Exception {
    try (ClusterServer server = ClusterServer.start(
        ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort()), LONG_TTL)) {
      awaitLeader(server);
      server.registerNode(Fixtures.node("n1", 4000, 8000));
      server.registerNode(Fixtures.node("n2", 4000, 8000).toBuilder()
          .schedulingEligibility(Node.INELIGIBLE).build());
      server.registerJob(new Cluster.JobRegisterRequest(
          Fixtures.job("agent", 1).toBuilder().type(Job.TYPE_SYSTEM).build(), false, 0));
      awaitState(server, st -> liveOn(st, "agent", "n1"));

      server.registerNode(Fixtures.node("n3", 4000, 8000));
      server.updateNodeEligibility("n2", true);

      awaitState(server, st -> liveOn(st, "agent", "n2") && liveOn(st, "agent", "n3"));
    }
  }

  @Test
  void aDrainingNodeCannotBeMadeEligibleAndUnknownNodesAre404(@TempDir Path dir)
      throws Exception {
    try (ClusterServer server = ClusterServer.start(
        ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort()), LONG_TTL)) {
      awaitLeader(server);
      server.registerNode(Fixtures.node("n1", 4000, 8000));
      server.registerNode(Fixtures.node("n2", 4000, 8000));
      server.registerJob(new Cluster.JobRegisterRequest(Fixtures.job("web", 1), false, 0));
      awaitState(server, st -> ClusterServerTest.running(st, "web") == 1);
      server.updateNodeDrain("n1", new DrainStrategy(Duration.ZERO, false, 0, 0), false);

      ClusterException e = assertThrows(ClusterException.class,
          () -> server.updateNodeEligibility("n1", true));
      ClusterException missing = assertThrows(ClusterException.class,
          () -> server.updateNodeDrain("ghost", null, true));

      assertEquals(400, e.status());
      assertEquals(404, missing.status());
    }
  }
}
