package dev.caravan.cluster.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.AllocDeploymentStatus;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.UpdateStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The service scheduler's rollout decisions on images built from commands: pure, no servers. */
class ServiceRolloutTest {
  private long index;
  private StateImage state = StateImage.EMPTY;
  private final AtomicInteger counter = new AtomicInteger();
  private final Supplier<String> ids = () -> "id-" + counter.incrementAndGet();

  private void apply(Command c) {
    state = StateMachineCore.apply(state, ++index, c);
  }

  private static Job job(int count, String marker, int maxParallel, int canary) {
    Job j = Fixtures.job("web", count, 10, 16);
    UpdateStrategy u = new UpdateStrategy(Duration.ofSeconds(1), maxParallel, "task_states",
        Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(2), false, false, canary, true);
    return j.toBuilder().update(u).taskGroups(List.of(j.taskGroups().get(0).toBuilder()
        .update(u).tasks(List.of(j.taskGroups().get(0).tasks().get(0).toBuilder()
            .env(Map.of("MARKER", marker)).build())).build())).build();
  }

  /** Registers the job and applies one scheduler pass; returns the pass's plan. */
  private Plan pass(Job job) {
    Evaluation eval = Evaluation.builder().id("e" + index).jobId(job.id()).type(job.type())
        .build();
    if (job != null) {
      apply(new Command.JobRegister(job, false, 0, eval, 0));
    }
    return again(eval);
  }

  private Plan again(Evaluation eval) {
    Plan plan = GenericScheduler.computePlan(state, eval, ids, 0);
    apply(new Command.DeploymentPlanApply(new Command.PlanApply(eval.id(), plan.placements(),
        plan.stops(), 0), plan.deployment(), plan.deploymentUpdates()));
    return plan;
  }

  private Plan again() {
    return again(Evaluation.builder().id("e" + index).jobId("web").type("service").build());
  }

  /** Every live allocation reports running and healthy. */
  private void allHealthy() {
    List<Allocation> reports = new ArrayList<>();
    for (Allocation a : state.allocsByJob("default", "web")) {
      if (!a.isServerTerminal()) {
        boolean canary = a.deploymentStatus() != null && a.deploymentStatus().canary();
        reports.add(Allocation.builder().id(a.id()).jobId("web")
            .clientStatus(Allocation.CLIENT_RUNNING)
            .deploymentStatus(new AllocDeploymentStatus(true, 1, canary, 0)).build());
      }
    }
    apply(new Command.AllocClientUpdate(reports, List.of(), 0));
  }

  private long live(long version) {
    return state.allocsByJob("default", "web").stream()
        .filter(a -> !a.isServerTerminal() && a.jobVersion() == version).count();
  }

  @Test
  void firstVersionPlacesEverySlotAtOnceUnderANewDeployment() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 4000, 8000), 0));

    Plan plan = pass(job(4, "v0", 1, 0));

    assertEquals(4, plan.placements().size(), "placements are not limited by max_parallel");
    assertNotNull(plan.deployment());
    assertEquals(4, plan.deployment().taskGroups().get("web").desiredTotal());
    assertTrue(plan.placements().stream()
        .allMatch(a -> plan.deployment().id().equals(a.deploymentId())));
  }

  @Test
  void destructiveUpdateReplacesMaxParallelAtATimeAsReplacementsTurnHealthy() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 4000, 8000), 0));
    pass(job(5, "v0", 2, 0));
    allHealthy();

    Plan first = pass(job(5, "v1", 2, 0));
    assertEquals(2, first.stops().size());
    assertEquals(2, first.placements().size());
    assertTrue(again().isNoOp(), "nothing more while the replacements are not healthy");

    allHealthy();
    Plan second = again();
    assertEquals(2, second.placements().size());
    allHealthy();
    assertEquals(1, again().placements().size());
    assertEquals(5, live(1));
    assertEquals(0, live(0));
  }

  @Test
  void placesCanariesBesideOldAllocationsAndWaitsForPromotion() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 4000, 8000), 0));
    pass(job(3, "v0", 3, 1));
    allHealthy();

    Plan canary = pass(job(3, "v1", 3, 1));
    assertEquals(1, canary.placements().size());
    assertTrue(canary.stops().isEmpty(), "the old allocations keep serving");
    assertTrue(canary.placements().get(0).deploymentStatus().canary());
    Deployment d = canary.deployment();
    assertEquals(List.of(canary.placements().get(0).id()),
        d.taskGroups().get("web").placedCanaries());
    allHealthy();
    assertTrue(again().isNoOp(), "no rollout before promotion");

    apply(new Command.DeploymentPromote(d.id(), true, List.of(), null, 0));
    Plan rest = again();
    assertEquals(3, rest.stops().size(), "the canary's slot twin and two replaced old ones");
    assertEquals(2, rest.placements().size());
    assertEquals(3, live(1));
  }

  @Test
  void countOnlyChangeUpdatesInPlace() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 4000, 8000), 0));
    pass(job(2, "v0", 1, 0));
    allHealthy();
    List<String> before = state.allocsByJob("default", "web").stream().map(Allocation::id)
        .toList();

    Plan plan = pass(job(3, "v0", 1, 0));

    assertTrue(plan.stops().isEmpty());
    assertEquals(3, plan.placements().size(), "two in-place updates and one new slot");
    assertEquals(2, plan.desiredUpdates().get("web").inPlaceUpdate());
    assertTrue(state.allocsByJob("default", "web").stream().map(Allocation::id).toList()
        .containsAll(before));
  }

  @Test
  void aNewerVersionCancelsTheActiveDeployment() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 4000, 8000), 0));
    Deployment first = pass(job(2, "v0", 1, 0)).deployment();

    Plan plan = pass(job(2, "v1", 1, 0));

    assertEquals(List.of(Deployment.STATUS_CANCELLED), plan.deploymentUpdates().stream()
        .map(Deployment::status).toList());
    assertEquals(Deployment.STATUS_CANCELLED, state.deployment(first.id()).orElseThrow()
        .status());
  }
}
