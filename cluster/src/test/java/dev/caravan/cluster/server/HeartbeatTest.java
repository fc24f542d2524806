package dev.caravan.cluster.server;

import static dev.caravan.cluster.server.ClusterServerTest.awaitLeader;
import static dev.caravan.cluster.server.ClusterServerTest.awaitState;
import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartbeatTest {

  @Test
  void aNodeMissingItsTtlGoesDownAndItsServiceAllocsMove(@TempDir Path dir) throws Exception {
    ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
    try (ClusterServer server = ClusterServer.start(
        ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort()), Duration.ofSeconds(1))) {
      awaitLeader(server);
      server.registerNode(Fixtures.node("n1", 4000, 8000));
      server.registerJob(new Cluster.JobRegisterRequest(Fixtures.job("web", 1), false, 0));
      awaitState(server, st -> st.allocsByJob("default", "web").size() == 1);
      server.registerNode(Fixtures.node("n2", 4000, 8000));
      beats.scheduleWithFixedDelay(() -> {
        try {
          server.heartbeat("n2");
        } catch (ClusterException e) {
          throw new IllegalStateException(e);
        }
      }, 0, 200, TimeUnit.MILLISECONDS);

      ClusterState s = awaitState(server, st -> st.allocsByJob("default", "web").stream()
          .anyMatch(a -> "n2".equals(a.nodeId()) && !a.isServerTerminal()));

      assertEquals(Node.STATUS_DOWN, s.node("n1").orElseThrow().status());
      assertEquals(Allocation.CLIENT_LOST, s.allocsByNode("n1").get(0).clientStatus());
    } finally {
      beats.shutdownNow();
    }
  }
}
