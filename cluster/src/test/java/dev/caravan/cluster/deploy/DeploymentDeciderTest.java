package dev.caravan.cluster.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.CommandCodec;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.AllocDeploymentStatus;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.DeploymentState;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.UpdateStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The watcher's decisions on state images built by applying commands, no servers. */
class DeploymentDeciderTest {
  private static final long SECOND = 1_000_000_000L;

  private StateImage s = StateImage.EMPTY;
  private long index;

  private void apply(Command c) throws Exception {
    // through the codec, as Raft delivers it
    s = StateMachineCore.apply(s, ++index, CommandCodec.decode(CommandCodec.encode(c)));
  }

  private Job register(Job job) throws Exception {
    apply(new Command.JobRegister(job, false, 0, null, index * SECOND));
    return s.job("default", job.id()).orElseThrow();
  }

  private static Job job(String marker, boolean autoRevert, boolean autoPromote, int canary) {
    Job j = Fixtures.job("web", 2);
    UpdateStrategy u = new UpdateStrategy(Duration.ofSeconds(1), 1, "task_states",
        Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(2), autoRevert, autoPromote,
        canary, true);
    return j.toBuilder().meta(Map.of("marker", marker)).update(u).taskGroups(List.of(
        j.taskGroups().get(0).toBuilder().update(u).build())).build();
  }

  /** Creates the deployment of the job's current version with allocations of the given health. */
  private Deployment deploy(Job job, int canaries, Boolean... health) throws Exception {
    List<Allocation> allocs = new ArrayList<>();
    List<String> canaryIds = new ArrayList<>();
    String id = "d" + job.version();
    for (int i = 0; i < health.length; i++) {
      String allocId = id + "-a" + i;
      if (i < canaries) {
        canaryIds.add(allocId);
      }
      allocs.add(Allocation.builder().id(allocId).name("web.web[" + i + "]").jobId("web")
          .job(job).taskGroup("web").nodeId("n1").deploymentId(id).build());
    }
    Deployment d = Deployment.builder().id(id).jobId("web").jobVersion(job.version())
        .jobModifyIndex(job.jobModifyIndex()).jobCreateIndex(job.createIndex())
        .taskGroups(Map.of("web", new DeploymentState(job.update().autoRevert(),
            job.update().autoPromote(), Duration.ofMinutes(2), 100 * SECOND, false, canaryIds,
            canaries, 2, 0, 0, 0)))
        .statusDescription(Deployment.DESCRIPTION_RUNNING).build();
    apply(new Command.DeploymentPlanApply(new Command.PlanApply("e", allocs, List.of(), 0), d,
        List.of()));
    List<Allocation> reports = new ArrayList<>();
    for (int i = 0; i < health.length; i++) {
      if (health[i] != null) {
        reports.add(Allocation.builder().id(id + "-a" + i).jobId("web")
            .clientStatus(health[i] ? Allocation.CLIENT_RUNNING : Allocation.CLIENT_FAILED)
            .deploymentStatus(new AllocDeploymentStatus(health[i], 10 * SECOND, i < canaries, 0))
            .build());
      }
    }
    apply(new Command.AllocClientUpdate(reports, List.of(), 0));
    return s.deployment(id).orElseThrow();
  }

  private DeploymentDecider.Decision decide(Deployment d, long now) {
    return DeploymentDecider.decide(s, s.deployment(d.id()).orElseThrow(), now).orElseThrow();
  }

  @Test
  void everyAllocationHealthySucceedsAndMarksTheVersionStable() throws Exception {
    Job v0 = register(job("a", false, false, 0));
    Deployment d = deploy(v0, 0, true, true);

    DeploymentDecider.Decision decision = decide(d, 20 * SECOND);
    apply(new Command.DeploymentUpdate(decision.deployment(), null, null, 0));

    assertEquals(Deployment.STATUS_SUCCESSFUL, decision.deployment().status());
    assertEquals(2, decision.deployment().taskGroups().get("web").healthyAllocs());
    assertTrue(s.job("default", "web").orElseThrow().stable());
  }

  @Test
  void anUnhealthyAllocationFailsAndRevertsToTheLatestStableVersion() throws Exception {
    Job v0 = register(job("a", true, false, 0));
    apply(new Command.DeploymentUpdate(decide(deploy(v0, 0, true, true), 20 * SECOND)
        .deployment(), null, null, 0));
    Job v1 = register(job("b", true, false, 0));
    Deployment d = deploy(v1, 0, true, false);

    DeploymentDecider.Decision decision = decide(d, 20 * SECOND);

    assertEquals(Deployment.STATUS_FAILED, decision.deployment().status());
    assertEquals("Failed due to unhealthy allocations - rolling back to job version 0",
        decision.deployment().statusDescription());
    assertEquals(0, decision.revertTo().version());
    assertEquals(1, decision.deployment().taskGroups().get("web").unhealthyAllocs());
  }

  @Test
  void withoutAStableVersionTheDescriptionSaysThereIsNothingToRevertTo() throws Exception {
    Job v0 = register(job("a", true, false, 0));
    Deployment d = deploy(v0, 0, false, null);

    DeploymentDecider.Decision decision = decide(d, 20 * SECOND);

    assertEquals("Failed due to unhealthy allocations - no stable job version to auto revert to",
        decision.deployment().statusDescription());
    assertNull(decision.revertTo());
  }

  @Test
  void aStableVersionWithTheSameSpecIsNotReRegistered() throws Exception {
    Job v0 = register(job("a", true, false, 0));
    apply(new Command.DeploymentUpdate(decide(deploy(v0, 0, true, true), 20 * SECOND)
        .deployment(), null, null, 0));
    register(job("b", true, false, 0));
    Job v2 = register(job("a", true, false, 0));
    Deployment d = deploy(v2, 0, false, null);

    DeploymentDecider.Decision decision = decide(d, 20 * SECOND);

    assertEquals("Failed due to unhealthy allocations - not rolling back to stable job version 0"
        + " as current job has same specification", decision.deployment().statusDescription());
    assertNull(decision.revertTo());
  }

  @Test
  void noProgressByTheDeadlineFailsTheDeployment() throws Exception {
    Job v0 = register(job("a", false, false, 0));
    Deployment d = deploy(v0, 0, true, null);

    DeploymentDecider.Decision decision = decide(d, 1000 * SECOND);

    assertEquals(Deployment.STATUS_FAILED, decision.deployment().status());
    assertEquals(Deployment.DESCRIPTION_PROGRESS_DEADLINE,
        decision.deployment().statusDescription());
  }

  @Test
  void healthyCanariesAreAutoPromotedAndWaitOtherwise() throws Exception {
    Job auto = register(job("a", false, true, 1));
    Deployment d = deploy(auto, 1, true);

    DeploymentDecider.Decision decision = decide(d, 20 * SECOND);

    assertTrue(decision.deployment().taskGroups().get("web").promoted());
    assertTrue(decision.evaluate(), "the scheduler rolls out the rest");

    Job manual = register(job("b", false, false, 1));
    Deployment waiting = deploy(manual, 1, true);
    DeploymentDecider.Decision wait = decide(waiting, 1000 * SECOND);
    assertEquals(Deployment.STATUS_RUNNING, wait.deployment().status(),
        "waiting for promotion is not a missed deadline");
    assertEquals(Deployment.DESCRIPTION_NEEDS_PROMOTION, wait.deployment().statusDescription());
  }

  @Test
  void aStaleDecisionIsAppliedAsANoOp() throws Exception {
    Job v0 = register(job("a", false, false, 0));
    Deployment d = deploy(v0, 0, true, true);
    DeploymentDecider.Decision decision = decide(d, 20 * SECOND);
    apply(new Command.DeploymentPromote(d.id(), true, List.of(), null, 0));
    long modified = s.deployment(d.id()).orElseThrow().modifyIndex();

    apply(new Command.DeploymentUpdate(decision.deployment(), null, null, 0));

    assertEquals(modified, s.deployment(d.id()).orElseThrow().modifyIndex());
    assertEquals(Deployment.STATUS_RUNNING, s.deployment(d.id()).orElseThrow().status());
  }

  @Test
  void snapshotsKeepDeployments() throws Exception {
    Job v0 = register(job("a", false, false, 0));
    Deployment d = deploy(v0, 0, true, true);

    StateImage restored = StateImage.fromJson(s.toJson());

    assertEquals(s.deployment(d.id()), restored.deployment(d.id()));
  }

  /** A clock the test moves. */
  private static final class TestClock extends java.time.Clock {
    long millis;

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return java.time.Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void theWatcherSkipsAnUnchangedDeploymentUntilItsAllocationsOrItsDeadlineChangeIt()
      throws Exception {
    Job v0 = register(job("a", false, false, 0));
    deploy(v0, 0, null, null);
    List<Command> proposed = new ArrayList<>();
    TestClock clock = new TestClock();
    DeploymentWatcher watcher = new DeploymentWatcher(new DeploymentWatcher.Port() {
      @Override
      public dev.caravan.cluster.server.ClusterState awaitIndex(long minIndex, Duration wait) {
        return s;
      }

      @Override
      public void propose(Command command) {
        proposed.add(command);
        try {
          apply(command);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }

      @Override
      public boolean isLeader() {
        return true;
      }
    }, clock, () -> "e" + proposed.size());

    clock.millis = 20_000;
    watcher.pass(s); // records the two placed allocations
    watcher.pass(s); // nothing changes: remembered
    assertEquals(1, proposed.size());
    clock.millis = 50_000;
    watcher.pass(s);
    assertEquals(1, proposed.size());

    // an allocation of the job turns healthy: decided again
    apply(new Command.AllocClientUpdate(List.of(Allocation.builder().id("d0-a0").jobId("web")
        .clientStatus(Allocation.CLIENT_RUNNING)
        .deploymentStatus(new AllocDeploymentStatus(true, 40 * SECOND, false, 0)).build()),
        List.of(), 0));
    watcher.pass(s);
    assertEquals(2, proposed.size());
    Deployment d = s.deployment("d0").orElseThrow();
    assertEquals(1, d.taskGroups().get("web").healthyAllocs());
    long deadline = d.taskGroups().get("web").requireProgressBy();
    watcher.pass(s);
    assertEquals(2, proposed.size());

    // no change but the time: the progress deadline passing fails the deployment
    clock.millis = deadline / 1_000_000L + 1;
    watcher.pass(s);
    assertEquals(3, proposed.size());
    assertEquals(Deployment.STATUS_FAILED, s.deployment("d0").orElseThrow().status());
  }
}
