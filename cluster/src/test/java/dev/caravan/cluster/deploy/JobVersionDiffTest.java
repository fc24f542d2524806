package dev.caravan.cluster.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.structs.Job;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobVersionDiffTest {

  @Test
  void namesEachChangedFieldByItsPathWithOldAndNewValues() {
    Job v0 = Fixtures.job("web", 2);
    Job v1 = v0.toBuilder().version(1).meta(Map.of("team", "blue"))
        .taskGroups(List.of(v0.taskGroups().get(0).toBuilder().count(3).build())).build();

    JobVersionDiff.Diff diff = JobVersionDiff.of(v0, v1);

    assertEquals("Edited", diff.type());
    assertEquals(List.of(
        new JobVersionDiff.FieldDiff("Added", "Meta[team]", "", "blue"),
        new JobVersionDiff.FieldDiff("Edited", "TaskGroups[web].Count", "2", "3")),
        diff.fields());
  }

  @Test
  void versionsThatDifferOnlyInStateMachineStampsHaveNoDiff() {
    Job v0 = Fixtures.job("web", 2);

    JobVersionDiff.Diff diff = JobVersionDiff.of(v0, v0.toBuilder().version(4).stable(true)
        .build());

    assertEquals("None", diff.type());
    assertEquals(List.of(), diff.fields());
  }
}
