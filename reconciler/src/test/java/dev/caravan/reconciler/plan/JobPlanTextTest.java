package dev.caravan.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.plan.DesiredTgUpdates;
import dev.caravan.cluster.plan.JobDiff;
import dev.caravan.cluster.plan.JobDiff.FieldDiff;
import dev.caravan.cluster.plan.JobDiff.ObjectDiff;
import dev.caravan.cluster.plan.JobDiff.TaskDiff;
import dev.caravan.cluster.plan.JobDiff.TaskGroupDiff;
import dev.caravan.cluster.plan.JobDiff.Type;
import dev.caravan.cluster.plan.JobPlanResponse;
import dev.caravan.cluster.structs.AllocMetric;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobPlanTextTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static JobPlanResponse imageChange(Map<String, AllocMetric> failed) {
    ObjectDiff config = new ObjectDiff(Type.Edited, "Config", List.of(
        new FieldDiff(Type.Edited, "image", "redis:3.2", "redis:4.0", List.of()),
        new FieldDiff(Type.None, "port_map[0][db]", "6379", "6379", List.of())), List.of());
    TaskDiff task = new TaskDiff(Type.Edited, "redis", List.of(
        new FieldDiff(Type.None, "Driver", "docker", "docker", List.of())), List.of(config),
        List.of("forces create/destroy update"));
    TaskGroupDiff group = new TaskGroupDiff(Type.Edited, "cache", List.of(
        new FieldDiff(Type.None, "Count", "3", "3", List.of())), List.of(), List.of(task),
        Map.of("create/destroy update", 1, "ignore", 2));
    JobDiff diff = new JobDiff(Type.Edited, "example", List.of(), List.of(), List.of(group));
    return new JobPlanResponse(7, List.of(), diff, new JobPlanResponse.Annotations(
        Map.of("cache", new DesiredTgUpdates(2, 0, 0, 0, 0, 1, 0, 0)), List.of()), failed, null,
        "");
  }

  @Test
  void rendersTheDiffTheDryRunAndTheCheckIndexHintAsNomadDoes() {
    String text = JobPlanText.render(imageChange(Map.of()), "service", "example.hcl", false, NOW);

    assertEquals("""
        +/- Job: "example"
        +/- Task Group: "cache" (1 create/destroy update, 2 ignore)
          +/- Task: "redis" (forces create/destroy update)
            +/- Config {
              +/- image:           "redis:3.2" => "redis:4.0"
                  port_map[0][db]: "6379"
                }

        Scheduler dry-run:
        - All tasks successfully allocated.

        Job Modify Index: 7
        To submit the job with version verification run:

        caravan job run -check-index 7 example.hcl

        When running the job with the check-index flag, the job will only be run if the
        job modify index given matches the server-side version. If the index has
        changed, another user has modified the job and the plan's results are
        potentially invalid.
        """, text);
    assertEquals(1, JobPlanText.exitCode(imageChange(Map.of())));
  }

  @Test
  void failedPlacementsListTheirReasonsPerGroup() {
    AllocMetric m = new AllocMetric(3, 1, Map.of("dc1", 3), Map.of(),
        Map.of("${attr.kernel.name} = linux", 1), 2, Map.of(), Map.of("memory", 2), 1);

    String text = JobPlanText.dryRun(imageChange(Map.of("cache", m)), "service", NOW);

    assertEquals("""
        - WARNING: Failed to place all allocations.
          Task Group "cache" (failed to place 2 allocations):
            * 3 nodes evaluated, 1 filtered
            * Constraint "${attr.kernel.name} = linux": 1 nodes excluded by filter
            * Resources exhausted on 2 nodes
            * Dimension "memory" exhausted on 2 nodes""", text);
  }

  @Test
  void verboseShowsUnchangedFields() {
    String text = JobPlanText.diff(imageChange(Map.of()).diff(), true);

    assertEquals(true, text.contains("    Driver: \"docker\""), text);
    assertEquals(true, text.contains("  Count: \"3\""), text);
  }

  @Test
  void aPlanThatOnlyIgnoresExitsZero() {
    JobPlanResponse r = new JobPlanResponse(7, List.of(), null, new JobPlanResponse.Annotations(
        Map.of("cache", new DesiredTgUpdates(3, 0, 0, 0, 2, 0, 0, 0)), List.of()), Map.of(),
        null, "");

    assertEquals(0, JobPlanText.exitCode(r));
  }
}
