package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.UpdateStrategy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A group's update block overrides only what it names; the rest comes from the job's block. */
class JobspecUpdateInheritanceTest {

  @Test
  void groupUpdateOverridesOnlyTheFieldsItNamesOverTheJobLevelBlock() throws Exception {
    Job job = Jobspec.parse("web.hcl", """
        job "web" {
          update {
            max_parallel        = 3
            canary              = 1
            auto_revert         = true
            revert_skips_canary = false
          }
          group "api" {
            update {
              min_healthy_time = "2s"
            }
            task "t" {
              driver = "mock"
            }
          }
          group "db" {
            task "t" {
              driver = "mock"
            }
          }
        }
        """);

    UpdateStrategy api = job.group("api").update();
    assertEquals(3, api.maxParallel());
    assertEquals(1, api.canary());
    assertEquals(Duration.ofSeconds(2), api.minHealthyTime());
    assertEquals(true, api.autoRevert());
    assertFalse(api.revertSkipsCanary());
    assertEquals(Duration.ofMinutes(5), api.healthyDeadline(), "Nomad's default");
    assertEquals(job.update(), job.group("db").update());
  }
}
