package dev.caravan.cluster.deploy;

import static dev.caravan.cluster.deploy.RolloutCluster.await;
import static dev.caravan.cluster.deploy.RolloutCluster.deploymentIs;
import static dev.caravan.cluster.deploy.RolloutCluster.deploymentOf;
import static dev.caravan.cluster.deploy.RolloutCluster.job;
import static dev.caravan.cluster.deploy.RolloutCluster.live;
import static dev.caravan.cluster.deploy.RolloutCluster.runningAt;
import static dev.caravan.cluster.deploy.RolloutCluster.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/** Operators' deployment requests: what they do, and the bad ones refused with state untouched. */
class DeploymentRequestsTest {
  @TempDir Path dir;

  @Test
  void badRequestsAreRefusedWithTheRuleNamedAndStateUntouched() throws Exception {
    try (RolloutCluster c = RolloutCluster.start(dir, 1, false)) {
      ClusterServer s = c.any();
      s.registerNode(dev.caravan.cluster.state.Fixtures.node("n1", 4000, 8000));
      s.registerJob(new Cluster.JobRegisterRequest(job("web", 2, "v0",
          update(1, 0, false, false, Duration.ofMillis(50))), false, 0));
      ClusterState st = await(s, "version 0 deploying", x -> deploymentOf(x, "web", 0)
          .map(d -> d.taskGroups().get("web").placedAllocs() == 2).orElse(false));
      String id = deploymentOf(st, "web", 0).orElseThrow().id();

      assertRefused(s, "deployment " + id + " has no canaries to promote",
          () -> s.promoteDeployment(id, true, List.of()));
      assertRefused(s, "JobVersion: job web has no version 7",
          () -> s.revertJob("default", "web", 7, null));
      assertRefused(s, "EnforcePriorVersion: current job version is 0, not 3",
          () -> s.revertJob("default", "web", 0, 3L));
      Job tooManyCanaries = job("web", 2, "v1", update(1, 3, false, false,
          Duration.ofMillis(50)));
      assertRefused(s, "job.web.group.web.update.canary: canary count (3) can not be greater"
          + " than the group's count (2)",
          () -> s.registerJob(new Cluster.JobRegisterRequest(tooManyCanaries, false, 0)));
      assertEquals(404, assertThrows(ClusterException.class,
          () -> s.pauseDeployment("nope", true)).status());

      s.failDeployment(id);
      assertRefused(s, "can't promote deployment " + id + ": it is failed",
          () -> s.promoteDeployment(id, true, List.of()));
      assertRefused(s, "can't pause deployment " + id + ": it is failed",
          () -> s.pauseDeployment(id, true));
    }
  }

  @Test
  void canariesWaitForManualPromotionOfTheirGroupThenTheRestRollsOut() throws Exception {
    try (RolloutCluster c = RolloutCluster.start(dir, 1, true)) {
      ClusterServer s = c.any();
      s.registerJob(new Cluster.JobRegisterRequest(job("web", 3, "v0",
          update(2, 1, false, false, Duration.ofMillis(50))), false, 0));
      await(s, "version 0 deployed", x -> deploymentIs(x, "web", 0,
          Deployment.STATUS_SUCCESSFUL));
      s.registerJob(new Cluster.JobRegisterRequest(job("web", 3, "v1",
          update(2, 1, false, false, Duration.ofMillis(50))), false, 0));
      ClusterState st = await(s, "the canary healthy, waiting for promotion", x ->
          deploymentOf(x, "web", 1).map(d -> d.taskGroups().get("web").healthyAllocs() == 1
              && Deployment.DESCRIPTION_NEEDS_PROMOTION.equals(d.statusDescription()))
              .orElse(false));
      assertEquals(3, runningAt(st, "web", 0), "the old allocations keep serving");
      assertEquals(4, live(st, "web").size(), "the canary runs beside them");
      String id = deploymentOf(st, "web", 1).orElseThrow().id();

      assertRefused(s, "deployment " + id + " has no task group \"db\"",
          () -> s.promoteDeployment(id, false, List.of("db")));
      s.promoteDeployment(id, false, List.of("web"));

      st = await(s, "version 1 deployed", x -> deploymentIs(x, "web", 1,
          Deployment.STATUS_SUCCESSFUL) && live(x, "web").size() == 3
          && runningAt(x, "web", 1) == 3);
      assertTrue(st.job("default", "web").orElseThrow().stable());
    }
  }

  @Test
  void pausedDeploymentReplacesNothingUntilResumedAndFailStopsCanaries() throws Exception {
    try (RolloutCluster c = RolloutCluster.start(dir, 1, true)) {
      ClusterServer s = c.any();
      s.registerJob(new Cluster.JobRegisterRequest(job("web", 2, "v0",
          update(1, 1, false, false, Duration.ofMillis(50))), false, 0));
      await(s, "version 0 deployed", x -> deploymentIs(x, "web", 0,
          Deployment.STATUS_SUCCESSFUL));
      s.registerJob(new Cluster.JobRegisterRequest(job("web", 2, "v1",
          update(1, 1, false, false, Duration.ofMillis(50))), false, 0));
      ClusterState st = await(s, "the canary healthy", x -> deploymentOf(x, "web", 1)
          .map(d -> d.taskGroups().get("web").healthyAllocs() == 1).orElse(false));
      String id = deploymentOf(st, "web", 1).orElseThrow().id();

      s.pauseDeployment(id, true);
      assertEquals(Deployment.STATUS_PAUSED, s.state().deployment(id).orElseThrow().status());
      s.pauseDeployment(id, false);
      assertEquals(Deployment.STATUS_RUNNING, s.state().deployment(id).orElseThrow().status());
      s.failDeployment(id);

      st = await(s, "the canary stopped", x -> live(x, "web").size() == 2
          && runningAt(x, "web", 0) == 2);
      Deployment d = st.deployment(id).orElseThrow();
      assertEquals(Deployment.STATUS_FAILED, d.status());
      assertEquals(Deployment.DESCRIPTION_FAILED_BY_USER, d.statusDescription());
      assertTrue(!st.job("default", "web").orElseThrow().stable());
    }
  }

  @Test
  void manualHealthIsSetByTheOperatorAndCompletesTheDeployment() throws Exception {
    try (RolloutCluster c = RolloutCluster.start(dir, 1, true)) {
      ClusterServer s = c.any();
      dev.caravan.cluster.structs.UpdateStrategy manual = new dev.caravan.cluster.structs
          .UpdateStrategy(Duration.ofSeconds(1), 1, "manual", Duration.ofMillis(50),
          Duration.ofMinutes(1), Duration.ofMinutes(2), false, false, 0, true);
      s.registerJob(new Cluster.JobRegisterRequest(job("web", 2, "v0", manual), false, 0));
      // and both placements counted in the deployment (which may come after they run): the
      // refused request below must find nothing else changing the deployment
      ClusterState st = await(s, "two allocations running, health unknown", x ->
          runningAt(x, "web", 0) == 2 && deploymentOf(x, "web", 0)
              .map(d -> d.taskGroups().get("web").placedAllocs() == 2).orElse(false));
      String id = deploymentOf(st, "web", 0).orElseThrow().id();
      List<String> allocs = live(st, "web").stream().map(a -> a.id()).toList();

      assertRefused(s, "allocation nope is not part of deployment " + id,
          () -> s.setDeploymentAllocHealth(id, List.of("nope"), List.of()));
      s.setDeploymentAllocHealth(id, allocs, List.of());

      st = await(s, "deployed", x -> deploymentIs(x, "web", 0, Deployment.STATUS_SUCCESSFUL));
      assertEquals(2, st.deployment(id).orElseThrow().taskGroups().get("web").healthyAllocs());
    }
  }

  @Test
  void aNewerVersionCancelsTheRunningDeployment() throws Exception {
    try (RolloutCluster c = RolloutCluster.start(dir, 1, false)) {
      ClusterServer s = c.any();
      s.registerNode(dev.caravan.cluster.state.Fixtures.node("n1", 4000, 8000));
      s.registerJob(new Cluster.JobRegisterRequest(job("web", 2, "v0",
          update(1, 0, false, false, Duration.ofMillis(50))), false, 0));
      await(s, "version 0 deploying", x -> deploymentIs(x, "web", 0, Deployment.STATUS_RUNNING));
      s.registerJob(new Cluster.JobRegisterRequest(job("web", 3, "v1",
          update(1, 0, false, false, Duration.ofMillis(50))), false, 0));

      ClusterState st = await(s, "version 0's deployment cancelled", x -> deploymentIs(x, "web",
          0, Deployment.STATUS_CANCELLED));
      assertEquals(Deployment.DESCRIPTION_NEWER_JOB,
          deploymentOf(st, "web", 0).orElseThrow().statusDescription());
    }
  }

  private static void assertRefused(ClusterServer s, String message, Executable request)
      throws Exception {
    ClusterState before = s.state();
    ClusterException e = assertThrows(ClusterException.class, request);
    assertEquals(400, e.status(), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    ClusterState after = s.state();
    assertEquals(before.deployments(), after.deployments(), "deployments untouched");
    assertEquals(before.jobVersions("default", "web"), after.jobVersions("default", "web"),
        "job versions untouched");
  }
}
