package dev.caravan.cluster.server;

import static dev.caravan.cluster.server.ClusterServerTest.awaitState;
import static dev.caravan.cluster.server.ClusterServerTest.freePort;
import static dev.caravan.cluster.server.ClusterServerTest.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Fixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreeServerClusterTest {
  private final List<ClusterServer> servers = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (ClusterServer s : servers) {
      s.close();
    }
  }

  private ClusterServer awaitLeader(List<ClusterServer> among) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ClusterServer s : among) {
        if (s.isLeader()) {
          return s;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no leader elected");
  }

  @Test
  void writesContinueAfterTheLeaderIsKilled(@TempDir Path dir) throws Exception {
    List<String> peers = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort(),
        "127.0.0.1:" + freePort());
    for (int i = 0; i < 3; i++) {
      servers.add(ClusterServer.start(new ServerConfig("s" + i, dir.resolve("s" + i),
          peers.get(i), peers, Clock.systemUTC())));
    }
    ClusterServer leader = awaitLeader(servers);
    ClusterServer follower = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();

    follower.registerNode(Fixtures.node("n1", 4000, 8000));
    follower.registerJob(new Cluster.JobRegisterRequest(Fixtures.job("web", 2), false, 0));
    awaitState(follower, st -> running(st, "web") == 2);

    servers.remove(leader);
    leader.close();
    ClusterServer next = awaitLeader(servers);
    servers.get(0).registerJob(new Cluster.JobRegisterRequest(Fixtures.job("api", 1), false, 0));

    ClusterState s = awaitState(servers.get(1), st -> running(st, "api") == 1);
    assertEquals(2, running(s, "web"));
    assertTrue(next.leaderAddress().equals(next.config().raftAddress()));
  }
}
