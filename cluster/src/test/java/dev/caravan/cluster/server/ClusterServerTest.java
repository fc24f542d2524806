package dev.caravan.cluster.server;

import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterServerTest {

  static ClusterState awaitState(Cluster c, Predicate<ClusterState> ok) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    ClusterState s = c.state();
    while (!ok.test(s)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("state never matched; last index " + s.index());
      }
      s = c.awaitIndex(s.index(), Duration.ofMillis(200));
    }
    return s;
  }

  static long running(ClusterState s, String jobId) {
    return s.allocsByJob("default", jobId).stream().filter(a -> !a.isServerTerminal()).count();
  }

  static void awaitLeader(ClusterServer server) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!server.isLeader()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no leadership");
      }
      Thread.sleep(50);
    }
  }

  @Test
  void singleNodePlacesScalesDownAndRecoversAfterRestart(@TempDir Path dir) throws Exception {
    String addr = "127.0.0.1:" + freePort();
    ServerConfig cfg = ServerConfig.singleNode("s1", dir, addr);
    try (ClusterServer server = ClusterServer.start(cfg)) {
      awaitLeader(server);
      server.registerNode(Fixtures.node("n1", 4000, 8000));

      Cluster.JobRegisterResult first = server.registerJob(
          new Cluster.JobRegisterRequest(Fixtures.job("web", 3), true, 0));
      ClusterState s = awaitState(server, st -> running(st, "web") == 3);
      assertTrue(s.allocsByJob("default", "web").stream()
          .allMatch(a -> "n1".equals(a.nodeId())));
      assertEquals(List.of("web.web[0]", "web.web[1]", "web.web[2]"),
          s.allocsByJob("default", "web").stream().map(Allocation::name).sorted().toList());

      ClusterException cas = assertThrows(ClusterException.class, () -> server.registerJob(
          new Cluster.JobRegisterRequest(Fixtures.job("web", 1), true, 0)));
      assertEquals(409, cas.status());

      server.registerJob(new Cluster.JobRegisterRequest(Fixtures.job("web", 1), true,
          first.jobModifyIndex()));
      s = awaitState(server, st -> running(st, "web") == 1);
      assertEquals(2, s.allocsByJob("default", "web").stream()
          .filter(Allocation::isServerTerminal).count());
      assertEquals(1, s.job("default", "web").orElseThrow().version());
    }

    try (ClusterServer again = ClusterServer.start(cfg)) {
      // the log is replayed entry by entry (its tail once this server leads again): wait for the
      // last write of the first run, the scale-down, rather than for a state the replay passes
      awaitLeader(again);
      ClusterState s = awaitState(again, st -> st.job("default", "web").isPresent()
          && st.job("default", "web").orElseThrow().version() == 1
          && st.allocsByJob("default", "web").stream().filter(Allocation::isServerTerminal)
              .count() == 2);
      Job job = s.job("default", "web").orElseThrow();
      assertEquals(1, job.version());
      assertEquals(1, running(s, "web"));
      assertTrue(s.node("n1").isPresent());
    }
  }

  @Test
  void aDivisionRatisClosedByItselfFailsWritesAtOnceAndTheServerStillCloses(@TempDir Path dir)
      throws Exception {
    try (ClusterServer server = ClusterServer.start(
        ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort()))) {
      awaitLeader(server);
      server.registerNode(Fixtures.node("n1", 4000, 8000));
      long before = server.state().index();

      server.raftDivision().close(); // what Ratis does when the log or state machine fails

      ClusterException refused = awaitRefusal(server);
      assertEquals(503, refused.status());
      assertTrue(refused.getMessage().matches(
          "raft server .* stopped \\((CLOSING|CLOSED)\\): restart this server"),
          refused.getMessage());
      assertFalse(server.isLeader());
      assertEquals(before, server.state().index());
    }
  }

  /** The next write refused because the Raft server stopped. */
  private static ClusterException awaitRefusal(ClusterServer server) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        server.registerNode(Fixtures.node("n2", 4000, 8000));
      } catch (ClusterException e) {
        if (e.getMessage().contains("restart this server") || System.nanoTime() > deadline) {
          return e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("writes still accepted");
      }
      Thread.sleep(100);
    }
  }

  @Test
  void aServerThatCannotBindItsPortClosesWhatItStarted(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      ServerConfig cfg = ServerConfig.singleNode("s1", dir.resolve("a"),
          "127.0.0.1:" + taken.getLocalPort());
      IOException e = assertThrows(IOException.class, () -> ClusterServer.start(cfg));
      assertTrue(e.getMessage().startsWith("cannot listen on the Raft address "
          + cfg.raftAddress()), e.getMessage());
    }
    // no thread of the failed server is left behind
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("caravan-heartbeats") && t.isAlive())
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("caravan-heartbeats") && t.isAlive()));
  }

  @Test
  void theLeaderRemovesEvaluationsDoneWithAndKeepsTheRest(@TempDir Path dir) throws Exception {
    try (ClusterServer server = ClusterServer.start(
        ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort()))) {
      awaitLeader(server);
      Cluster.JobRegisterResult r = server.registerJob(
          new Cluster.JobRegisterRequest(Fixtures.job("web", 1), false, 0)); // no node: blocked
      awaitState(server, st -> st.evals().stream().anyMatch(e -> e.isTerminal()));

      // with zero thresholds only the completed one goes: the blocked one it left waits on
      int removed = server.collectEvaluations(Duration.ZERO, Duration.ZERO);

      ClusterState s = server.state();
      assertEquals(1, removed);
      assertTrue(s.eval(r.evalId()).isEmpty());
      assertEquals(1, s.evals().size());
      assertFalse(s.evals().get(0).isTerminal());
      assertTrue(s.job("default", "web").isPresent());
      assertEquals(0, server.collectEvaluations(Duration.ZERO, Duration.ZERO));
    }
  }

  @Test
  void unknownNodeHeartbeatIs404AndBadJobIs400(@TempDir Path dir) throws Exception {
    try (ClusterServer server = ClusterServer.start(
        ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort()))) {
      awaitLeader(server);

      assertEquals(404, assertThrows(ClusterException.class,
          () -> server.heartbeat("nope")).status());
      ClusterException bad = assertThrows(ClusterException.class, () -> server.registerJob(
          new Cluster.JobRegisterRequest(Fixtures.job("", 1), false, 0)));
      assertEquals(400, bad.status());
      assertTrue(bad.getMessage().startsWith("job:"), bad.getMessage());
    }
  }

  @Test
  void aBlockedJobIsPlacedWhenANodeRegistersAndClientUpdatesAreRecorded(@TempDir Path dir)
      throws Exception {
    try (ClusterServer server = ClusterServer.start(
        ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort()))) {
      awaitLeader(server);
      Cluster.JobRegisterResult r = server.registerJob(
          new Cluster.JobRegisterRequest(Fixtures.job("web", 2), false, 0));
      ClusterState s = awaitState(server, st -> st.eval(r.evalId())
          .map(e -> e.blockedEval() != null).orElse(false));
      assertEquals(2, s.eval(r.evalId()).orElseThrow().failedTgAllocs().get("web")
          .coalescedFailures() + 1);

      server.registerNode(Fixtures.node("n1", 4000, 8000));
      s = awaitState(server, st -> running(st, "web") == 2);
      Allocation a = s.allocsByJob("default", "web").get(0);
      server.updateAllocsFromClient(List.of(a.toBuilder().clientStatus(Allocation.CLIENT_RUNNING)
          .nodeId("ignored").build()));

      s = awaitState(server, st -> Allocation.CLIENT_RUNNING.equals(
          st.alloc(a.id()).orElseThrow().clientStatus()));
      assertEquals("n1", s.alloc(a.id()).orElseThrow().nodeId());
      assertEquals(Job.STATUS_RUNNING, s.job("default", "web").orElseThrow().status());
    }
  }

  @Test
  void restartFromASnapshotRecoversTheState(@TempDir Path dir) throws Exception {
    ServerConfig cfg = ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort());
    try (ClusterServer server = ClusterServer.start(cfg)) {
      awaitLeader(server);
      server.registerNode(Fixtures.node("n1", 4000, 8000));
      server.registerJob(new Cluster.JobRegisterRequest(Fixtures.job("web", 2), false, 0));
      awaitState(server, st -> running(st, "web") == 2);

      server.snapshot();
    }
    assertTrue(java.nio.file.Files.walk(dir).anyMatch(
        p -> p.getFileName().toString().startsWith("snapshot.")));

    try (ClusterServer again = ClusterServer.start(cfg)) {
      ClusterState s = awaitState(again, st -> running(st, "web") == 2);
      Allocation a = s.allocsByJob("default", "web").get(0);
      assertTrue(a.job() == s.jobVersions("default", "web").get(0)
          || a.job().version() == s.jobVersions("default", "web").get(0).version());
      assertEquals("n1", a.nodeId());
    }
  }

  @Test
  void aSnapshotPurgesTheLogBeforeItAndARestartStillHasEveryWrite(@TempDir Path dir)
      throws Exception {
    ServerConfig cfg = ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort());
    String blob = "x".repeat(4 * 1024);
    int jobs = 1_200; // past Ratis' purge gap of 1024 entries, over several 1 MB segments
    try (ClusterServer server = ClusterServer.start(cfg)) {
      awaitLeader(server);
      for (int i = 0; i < jobs; i++) {
        server.registerJob(new Cluster.JobRegisterRequest(Fixtures.job("j" + i, 0)
            .toBuilder().meta(java.util.Map.of("blob", blob)).build(), false, 0));
      }
      List<String> before = logSegments(dir);
      assertTrue(before.stream().anyMatch(f -> f.startsWith("log_0-")), before.toString());

      long snapshot = server.snapshot();

      // the purge is the log worker's: the first segment goes soon after
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      List<String> after = logSegments(dir);
      while (after.stream().anyMatch(f -> f.startsWith("log_0-"))
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
        after = logSegments(dir);
      }
      assertTrue(after.stream().noneMatch(f -> f.startsWith("log_0-")),
          before + " -> " + after + " after a snapshot at " + snapshot);
      assertTrue(after.size() < before.size(), before + " -> " + after);
    }
    try (ClusterServer again = ClusterServer.start(cfg)) {
      ClusterState s = awaitState(again, st -> st.job("default", "j" + (jobs - 1)).isPresent());
      assertEquals(jobs, s.jobs().size());
    }
  }

  /** The Raft log's segment files (closed {@code log_<first>-<last>} and the open one). */
  private static List<String> logSegments(Path dir) {
    // a plain listing: the log worker may delete a segment while the directory is read
    java.io.File[] groups = dir.resolve("raft").toFile().listFiles(java.io.File::isDirectory);
    List<String> out = new java.util.ArrayList<>();
    for (java.io.File group : groups == null ? new java.io.File[0] : groups) {
      String[] names = new java.io.File(group, "current").list();
      for (String n : names == null ? new String[0] : names) {
        if (n.startsWith("log_")) {
          out.add(n);
        }
      }
    }
    return out.stream().sorted().toList();
  }

  @Test
  void writesLargerThanALogSegmentAreCommittedAndReplayedAfterRestart(@TempDir Path dir)
      throws Exception {
    ServerConfig cfg = ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort());
    String big = "x".repeat(3 * ClusterServer.LOG_SEGMENT_BYTES / 2);
    try (ClusterServer server = ClusterServer.start(cfg)) {
      awaitLeader(server);
      for (int i = 0; i < 3; i++) { // the log rolls over a few segments, each entry oversized
        server.registerJob(new Cluster.JobRegisterRequest(Fixtures.job("big-" + i, 0)
            .toBuilder().meta(java.util.Map.of("blob", big + i)).build(), false, 0));
      }
    }
    try (ClusterServer again = ClusterServer.start(cfg)) {
      ClusterState s = awaitState(again, st -> st.job("default", "big-2").isPresent());
      for (int i = 0; i < 3; i++) {
        assertEquals(big + i, s.job("default", "big-" + i).orElseThrow().meta().get("blob"));
      }
    }
  }

  @Test
  void stoppingAndPurgingAJobStopsItsAllocations(@TempDir Path dir) throws Exception {
    try (ClusterServer server = ClusterServer.start(
        ServerConfig.singleNode("s1", dir, "127.0.0.1:" + freePort()))) {
      awaitLeader(server);
      server.registerNode(Fixtures.node("n1", 4000, 8000));
      server.registerJob(new Cluster.JobRegisterRequest(Fixtures.job("web", 2), false, 0));
      server.registerJob(new Cluster.JobRegisterRequest(Fixtures.job("api", 1), false, 0));
      awaitState(server, st -> running(st, "web") == 2 && running(st, "api") == 1);

      Cluster.JobRegisterResult stop = server.deregisterJob("default", "web", false);
      server.deregisterJob("default", "api", true);

      ClusterState s = awaitState(server, st -> running(st, "web") == 0 && running(st, "api") == 0);
      assertTrue(s.job("default", "web").orElseThrow().stop());
      assertEquals(Job.STATUS_DEAD, s.job("default", "web").orElseThrow().status());
      assertTrue(s.job("default", "api").isEmpty());
      assertEquals("job-deregister", s.eval(stop.evalId()).orElseThrow().triggeredBy());
      assertEquals(404, assertThrows(ClusterException.class,
          () -> server.deregisterJob("default", "api", true)).status());
    }
  }
}
