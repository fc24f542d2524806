package dev.caravan.cluster.server;

import static dev.caravan.cluster.server.ClusterServerTest.awaitState;
import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.structs.Node;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heartbeats a follower receives count on the leader, which alone marks nodes down. */
class FollowerHeartbeatTest {
  private final List<ClusterServer> servers = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (ClusterServer s : servers) {
      s.close();
    }
  }

  @Test
  void heartbeatsAtAFollowerKeepTheNodeReadyWithoutWritesAndTheirEndTakesItDown(
      @TempDir Path dir) throws Exception {
    List<String> peers = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort(),
        "127.0.0.1:" + freePort());
    for (int i = 0; i < 3; i++) {
      servers.add(ClusterServer.start(new ServerConfig("s" + i, dir.resolve("s" + i),
          peers.get(i), peers, Clock.systemUTC()), Duration.ofSeconds(1)));
    }
    ClusterServer follower = awaitFollower();
    follower.registerNode(Fixtures.node("n1", 4000, 8000));
    long registered = awaitState(follower, s -> s.node("n1").map(n ->
        Node.STATUS_READY.equals(n.status())).orElse(false)).node("n1").orElseThrow().modifyIndex();

    // three seconds of heartbeats at the follower: well past the leader's 1-2 s TTL
    for (int i = 0; i < 15; i++) {
      follower.heartbeat("n1");
      Thread.sleep(200);
    }

    Node node = follower.state().node("n1").orElseThrow();
    assertEquals(Node.STATUS_READY, node.status());
    assertEquals(registered, node.modifyIndex(), "a heartbeat is no Raft write");
    awaitState(follower, s -> Node.STATUS_DOWN.equals(s.node("n1").orElseThrow().status()));
  }

  private ClusterServer awaitFollower() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (servers.stream().anyMatch(ClusterServer::isLeader)) {
        return servers.stream().filter(s -> !s.isLeader()).findFirst().orElseThrow();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no leader elected");
  }
}
