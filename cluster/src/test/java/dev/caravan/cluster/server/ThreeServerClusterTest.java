package dev.caravan.cluster.server;

import static dev.caravan.cluster.server.ClusterServerTest.awaitState;
import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static dev.caravan.cluster.server.ClusterServerTest.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

  /** Three servers' configs, each its own data dir and loopback Raft port, one group. */
  private static List<ServerConfig> threeServers(Path dir) throws java.io.IOException {
    List<String> peers = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort(),
        "127.0.0.1:" + freePort());
    List<ServerConfig> configs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      configs.add(new ServerConfig("s" + i, dir.resolve("s" + i), peers.get(i), peers,
          Clock.systemUTC()));
    }
    return configs;
  }

  private void startAll(List<ServerConfig> configs) throws java.io.IOException {
    for (ServerConfig c : configs) {
      servers.add(ClusterServer.start(c));
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
    startAll(threeServers(dir));
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

  @Test
  void aFollowerAnswersFromTheLeadersReplyAndStillReadsItsOwnWrites(@TempDir Path dir)
      throws Exception {
    startAll(threeServers(dir));
    ClusterServer leader = awaitLeader(servers);
    ClusterServer follower = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();

    // each read right after a write answered by the follower holds that write
    for (int i = 0; i < 100; i++) {
      Cluster.JobRegisterResult r = follower.registerJob(
          new Cluster.JobRegisterRequest(Fixtures.job("job-" + i, 0), false, 0));
      ClusterState s = follower.state();
      assertEquals(r.jobModifyIndex(),
          s.job("default", "job-" + i).orElseThrow().jobModifyIndex());
      assertEquals(r.evalCreateIndex(), s.eval(r.evalId()).orElseThrow().createIndex());
      assertTrue(s.index() >= r.index());
    }

    // check-and-set decided on the leader, answered through the follower
    Cluster.JobRegisterResult first = follower.registerJob(
        new Cluster.JobRegisterRequest(Fixtures.job("cas", 1), true, 0));
    ClusterException refused = assertThrows(ClusterException.class, () -> follower.registerJob(
        new Cluster.JobRegisterRequest(Fixtures.job("cas", 2), true, 0)));
    assertEquals(409, refused.status());
    assertEquals("job already exists (enforce index 0 means it must not exist)",
        refused.getMessage());
    refused = assertThrows(ClusterException.class, () -> follower.registerJob(
        new Cluster.JobRegisterRequest(Fixtures.job("cas", 2), true, first.jobModifyIndex() + 1)));
    assertEquals("job modify index " + (first.jobModifyIndex() + 1) + " does not match "
        + first.jobModifyIndex(), refused.getMessage());
    Cluster.JobRegisterResult second = follower.registerJob(
        new Cluster.JobRegisterRequest(Fixtures.job("cas", 2), true, first.jobModifyIndex()));
    assertTrue(second.jobModifyIndex() > first.jobModifyIndex());
    assertEquals(2, follower.state().job("default", "cas").orElseThrow().taskGroups().get(0)
        .count());
  }

  @Test
  void everyAcknowledgedWriteSurvivesLosingTheLeaderAndARestartedServerCatchesUp(
      @TempDir Path dir) throws Exception {
    List<ServerConfig> configs = threeServers(dir);
    startAll(configs);
    ClusterServer leader = awaitLeader(servers);
    ClusterServer writer = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
    java.util.Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
    Thread stream = new Thread(() -> {
      for (int i = 0; !stop.get(); i++) {
        String id = "job-" + i;
        try {
          writer.registerJob(new Cluster.JobRegisterRequest(Fixtures.job(id, 0), false, 0));
          acknowledged.add(id);
        } catch (ClusterException e) {
          failures.incrementAndGet(); // not acknowledged: may or may not be present
        }
      }
    });
    stream.start();

    awaitCount(acknowledged, 20);
    int beforeKill = acknowledged.size();
    servers.remove(leader);
    leader.close();
    ClusterServer next = awaitLeader(servers);
    awaitCount(acknowledged, beforeKill + 20);
    stop.set(true);
    stream.join();

    for (ClusterServer s : servers) {
      ClusterState st = awaitState(s, x -> acknowledged.stream()
          .allMatch(id -> x.job("default", id).isPresent()));
      assertTrue(st.jobs().size() >= acknowledged.size());
    }
    ClusterServer restarted = ClusterServer.start(configs.stream()
        .filter(c -> c.raftAddress().equals(leader.config().raftAddress()))
        .findFirst().orElseThrow());
    servers.add(restarted);
    awaitState(restarted, x -> acknowledged.stream()
        .allMatch(id -> x.job("default", id).isPresent()));
    assertTrue(next.isLeader() || servers.stream().anyMatch(ClusterServer::isLeader));
  }

  private static void awaitCount(java.util.Set<String> set, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (set.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + set.size() + " writes acknowledged, wanted " + n);
      }
      Thread.sleep(10);
    }
  }
}
