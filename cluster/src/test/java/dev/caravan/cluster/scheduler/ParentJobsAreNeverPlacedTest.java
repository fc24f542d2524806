package dev.caravan.cluster.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.ParameterizedJobConfig;
import dev.caravan.cluster.structs.PeriodicConfig;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ParentJobsAreNeverPlacedTest {

  static Stream<Job> parents() {
    Job base = Fixtures.job("parent", 2).toBuilder().type(Job.TYPE_BATCH).build();
    return Stream.of(
        base.toBuilder().periodic(new PeriodicConfig(true, "@daily", null, "cron", false, "UTC")).build(),
        base.toBuilder().parameterizedJob(new ParameterizedJobConfig("optional", List.of(), List.of()))
            .build());
  }

  @ParameterizedTest
  @MethodSource("parents")
  void anEvaluationOfAPeriodicOrParameterizedParentPlacesNothing(Job parent) {
    StateImage s = StateMachineCore.apply(StateImage.EMPTY, 1,
        new Command.NodeRegister(Fixtures.node("n1", 4000, 8000), 1));
    s = StateMachineCore.apply(s, 2, new Command.JobRegister(parent, false, 0, null, 2));
    Evaluation eval = Evaluation.builder().id("e1").jobId("parent").type(Job.TYPE_BATCH)
        .triggeredBy(Evaluation.TRIGGER_JOB_REGISTER).build();

    Plan plan = GenericScheduler.computePlan(s, eval, () -> UUID.randomUUID().toString(), 3);

    assertTrue(plan.placements().isEmpty(), plan.toString());
    assertEquals(List.of(), s.evalsByJob("default", "parent"));
  }
}
