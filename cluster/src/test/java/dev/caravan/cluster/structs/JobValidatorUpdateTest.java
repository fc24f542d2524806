package dev.caravan.cluster.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The update block's checks on a job that has not been through the defaults. */
class JobValidatorUpdateTest {

  private static Job jobWith(UpdateStrategy update) {
    Task task = Task.builder().name("t").driver("mock").config(Map.of("run_for", "1s"))
        .resources(Resources.defaults()).build();
    TaskGroup group = TaskGroup.builder().name("g").count(1).tasks(List.of(task)).update(update)
        .build();
    return Job.builder().id("web").name("web").type(Job.TYPE_SERVICE).datacenters(List.of("dc1"))
        .taskGroups(List.of(group)).build();
  }

  private static UpdateStrategy update(String healthCheck) {
    return new UpdateStrategy(Duration.ofSeconds(1), 1, healthCheck, Duration.ofSeconds(1),
        Duration.ofMinutes(1), Duration.ofMinutes(2), false, false, 0, false);
  }

  @Test
  void anUpdateBlockWithoutHealthCheckIsNotAnErrorBeforeDefaults() {
    List<JobValidator.Violation> errors = JobValidator.validate(jobWith(update(null)));

    assertTrue(errors.stream().noneMatch(v -> v.path().endsWith("health_check")), errors.toString());
  }

  @Test
  void anUnknownHealthCheckIsNamed() {
    List<JobValidator.Violation> errors = JobValidator.validate(jobWith(update("bogus")));

    assertEquals(1, errors.stream().filter(v -> v.path().endsWith(".update.health_check")).count(),
        errors.toString());
  }
}
