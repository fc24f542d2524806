package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.caravan.cluster.client.NodeAllocations;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.structs.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAllocWaitersTest {
  @Test
  void aQueryWakesWhenItsNodesAllocationsChangeAndNotForAnotherNodes(@TempDir Path dir)
      throws Exception {
    try (TestAgent agent = new TestAgent(dir);
        NodeAllocWaiters waiters = new NodeAllocWaiters(agent.agent.server())) {
      ClusterServer server = agent.agent.server();
      server.registerNode(Node.builder().id("idle-node").name("idle-node").build());
      String busy = agent.agent.client().nodeId();
      long busyIndex = NodeAllocations.of(server.state(), busy).index();
      long idleIndex = NodeAllocations.of(server.state(), "idle-node").index();
      CompletableFuture<NodeAllocations> busyQuery = waiters.await(busy, busyIndex,
          Duration.ofSeconds(60));
      CompletableFuture<NodeAllocations> idleQuery = waiters.await("idle-node", idleIndex,
          Duration.ofSeconds(60));

      server.registerJob(new Cluster.JobRegisterRequest(
          TestAgent.job("woken", "service", "mock", Map.of()), false, 0));
      NodeAllocations answer = busyQuery.get(60, TimeUnit.SECONDS);

      assertEquals(1, answer.allocs().size());
      assertEquals("woken", answer.allocs().get(0).jobId());
      assertFalse(idleQuery.isDone(), "writes about another node do not wake a query");
    }
  }
}
