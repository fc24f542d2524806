package dev.caravan.cluster.deploy;

import static dev.caravan.cluster.deploy.RolloutCluster.await;
import static dev.caravan.cluster.deploy.RolloutCluster.deploymentIs;
import static dev.caravan.cluster.deploy.RolloutCluster.deploymentOf;
import static dev.caravan.cluster.deploy.RolloutCluster.job;
import static dev.caravan.cluster.deploy.RolloutCluster.live;
import static dev.caravan.cluster.deploy.RolloutCluster.runningAt;
import static dev.caravan.cluster.deploy.RolloutCluster.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rollouts on real servers and a real client running the mock driver. */
class DeploymentRolloutTest {
  @TempDir Path dir;

  @Test
  void healthyCanaryIsAutoPromotedAndTheNewVersionRollsOutCompletely() throws Exception {
    try (RolloutCluster c = RolloutCluster.start(dir, 1, true)) {
      ClusterServer s = c.any();
      Job v0 = job("web", 3, "v0", update(1, 1, true, false, Duration.ofMillis(100)));
      s.registerJob(new Cluster.JobRegisterRequest(v0, false, 0));
      await(s, "version 0 deployed", st -> deploymentIs(st, "web", 0,
          Deployment.STATUS_SUCCESSFUL));

      s.registerJob(new Cluster.JobRegisterRequest(job("web", 3, "v1",
          update(1, 1, true, false, Duration.ofMillis(100))), false, 0));
      ClusterState st = await(s, "version 1 deployed", x -> deploymentIs(x, "web", 1,
          Deployment.STATUS_SUCCESSFUL));

      Deployment d = deploymentOf(st, "web", 1).orElseThrow();
      assertEquals(1, d.taskGroups().get("web").desiredCanaries());
      assertEquals(1, d.taskGroups().get("web").placedCanaries().size());
      assertTrue(d.taskGroups().get("web").promoted());
      assertEquals(3, d.taskGroups().get("web").healthyAllocs());
      st = await(s, "three allocations of version 1 only", x -> runningAt(x, "web", 1) == 3
          && live(x, "web").size() == 3);
      assertTrue(live(st, "web").stream().allMatch(a -> a.jobVersion() == 1));
      assertTrue(st.allocsByJob("default", "web").stream().filter(a -> a.jobVersion() == 0)
          .allMatch(Allocation::isServerTerminal), "the old version's allocations are gone");
      assertTrue(st.job("default", "web").orElseThrow().stable(), "version 1 is stable");
    }
  }

  @Test
  void failingCanaryAutoRevertsToTheStableSpecWhileTheOldAllocationsKeepRunning()
      throws Exception {
    try (RolloutCluster c = RolloutCluster.start(dir, 1, true)) {
      ClusterServer s = c.any();
      Job v0 = job("api", 3, "v0", update(1, 1, false, true, Duration.ofMillis(100)));
      s.registerJob(new Cluster.JobRegisterRequest(v0, false, 0));
      ClusterState ready = await(s, "version 0 deployed", st -> deploymentIs(st, "api", 0,
          Deployment.STATUS_SUCCESSFUL) && runningAt(st, "api", 0) == 3);
      Job stableSpec = ready.job("default", "api").orElseThrow().spec();
      Set<String> oldIds = live(ready, "api").stream().map(Allocation::id)
          .collect(Collectors.toSet());

      StateHistory history = StateHistory.record(s, ready.index());
      s.registerJob(new Cluster.JobRegisterRequest(RolloutCluster.failing(
          job("api", 3, "v1", update(1, 1, false, true, Duration.ofMillis(100)))), false, 0));
      ClusterState st = await(s, "the revert deployed", x -> deploymentIs(x, "api", 2,
          Deployment.STATUS_SUCCESSFUL));
      history.stop();

      Deployment failed = deploymentOf(st, "api", 1).orElseThrow();
      assertEquals(Deployment.STATUS_FAILED, failed.status());
      assertEquals("Failed due to unhealthy allocations - rolling back to job version 0",
          failed.statusDescription());
      Job current = st.job("default", "api").orElseThrow();
      assertEquals(2, current.version());
      assertEquals(stableSpec, current.spec(), "the revert registers the stable spec");
      assertTrue(current.stable());
      assertEquals(oldIds, live(st, "api").stream().map(Allocation::id)
          .collect(Collectors.toSet()), "the old allocations were updated in place");
      assertEquals(0, deploymentOf(st, "api", 2).orElseThrow().taskGroups().get("web")
          .desiredCanaries(), "a revert to a stable version skips the canary phase");
      history.assertEvery("three allocations of the stable spec run", image ->
          image.allocsByJob("default", "api").stream()
              .filter(a -> oldIds.contains(a.id()) && !a.isServerTerminal()
                  && Allocation.CLIENT_RUNNING.equals(a.clientStatus())
                  && a.job().spec().equals(stableSpec)).count() == 3);
    }
  }

  @Test
  void destructiveUpdateNeverTakesDownMoreThanMaxParallelOldAllocations() throws Exception {
    try (RolloutCluster c = RolloutCluster.start(dir, 1, true)) {
      ClusterServer s = c.any();
      s.registerJob(new Cluster.JobRegisterRequest(job("six", 6, "v0",
          update(2, 0, false, false, Duration.ofMillis(200))), false, 0));
      ClusterState ready = await(s, "version 0 deployed", st -> deploymentIs(st, "six", 0,
          Deployment.STATUS_SUCCESSFUL) && runningAt(st, "six", 0) == 6);

      StateHistory history = StateHistory.record(s, ready.index());
      s.registerJob(new Cluster.JobRegisterRequest(job("six", 6, "v1",
          update(2, 0, false, false, Duration.ofMillis(200))), false, 0));
      ClusterState st = await(s, "version 1 deployed", x -> deploymentIs(x, "six", 1,
          Deployment.STATUS_SUCCESSFUL) && runningAt(x, "six", 1) == 6);
      history.stop();

      assertEquals(6, st.allocsByJob("default", "six").stream()
          .filter(a -> a.jobVersion() == 1).count(), "each slot was replaced once");
      history.assertEvery("at most 2 of 6 slots without a serving allocation", image -> {
        long serving = image.allocsByJob("default", "six").stream()
            .filter(a -> !a.isServerTerminal()
                && Allocation.CLIENT_RUNNING.equals(a.clientStatus())
                && (a.jobVersion() == 0 || (a.deploymentStatus() != null
                    && Boolean.TRUE.equals(a.deploymentStatus().healthy()))))
            .count();
        return serving >= 4;
      });
      assertTrue(history.size() > 10, "history recorded " + history.size() + " images");
    }
  }

  @Test
  void aNewLeaderFinishesTheRolloutWhenTheLeaderIsKilledMidway() throws Exception {
    try (RolloutCluster c = RolloutCluster.start(dir, 3, true)) {
      ClusterServer leader = c.awaitLeader();
      ClusterServer home = c.servers.stream().filter(x -> x != leader).findFirst().orElseThrow();
      home.registerJob(new Cluster.JobRegisterRequest(job("ha", 4, "v0",
          update(1, 0, false, false, Duration.ofMillis(500))), false, 0));
      await(home, "version 0 deployed", st -> deploymentIs(st, "ha", 0,
          Deployment.STATUS_SUCCESSFUL) && runningAt(st, "ha", 0) == 4);

      home.registerJob(new Cluster.JobRegisterRequest(job("ha", 4, "v1",
          update(1, 0, false, false, Duration.ofMillis(500))), false, 0));
      await(home, "the rollout under way", st -> deploymentOf(st, "ha", 1)
          .map(d -> d.taskGroups().get("web").healthyAllocs() >= 1).orElse(false));
      ClusterServer killed = c.awaitLeader();
      c.servers.remove(killed);
      killed.close();

      ClusterState st = await(home, "the new leader finished the rollout",
          x -> deploymentIs(x, "ha", 1, Deployment.STATUS_SUCCESSFUL)
              && runningAt(x, "ha", 1) == 4 && live(x, "ha").size() == 4);
      List<Allocation> v1 = st.allocsByJob("default", "ha").stream()
          .filter(a -> a.jobVersion() == 1).toList();
      assertEquals(4, v1.size(), "no allocation placed twice: " + v1);
      assertEquals(4, v1.stream().map(Allocation::name).distinct().count());
      assertTrue(st.job("default", "ha").orElseThrow().stable());
    }
  }

  /** Every image applied after an index, as seen through blocking queries. */
  static final class StateHistory {
    private final List<ClusterState> images = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;

    static StateHistory record(Cluster c, long from) {
      StateHistory h = new StateHistory();
      h.thread = new Thread(() -> {
        long index = from;
        while (h.running.get()) {
          try {
            ClusterState s = c.awaitIndex(index, Duration.ofMillis(200));
            if (s.index() > index) {
              h.images.add(s);
              index = s.index();
            }
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "state-history");
      h.thread.setDaemon(true);
      h.thread.start();
      return h;
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(5_000);
    }

    int size() {
      return images.size();
    }

    void assertEvery(String what, Predicate<ClusterState> ok) {
      for (ClusterState s : images) {
        assertTrue(ok.test(s), what + " at index " + s.index());
      }
    }
  }
}
