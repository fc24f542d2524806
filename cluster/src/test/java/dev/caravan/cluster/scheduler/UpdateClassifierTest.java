package dev.caravan.cluster.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Service;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskArtifact;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.UpdateStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class UpdateClassifierTest {

  record Case(String change, UnaryOperator<Job> edit, UpdateClassifier.Kind expected) {
    @Override
    public String toString() {
      return change + " -> " + expected;
    }
  }

  static Stream<Case> changes() {
    return Stream.of(
        new Case("nothing", j -> j, UpdateClassifier.Kind.NONE),
        new Case("job meta", j -> j.toBuilder().meta(Map.of("team", "b")).build(),
            UpdateClassifier.Kind.NONE),
        new Case("job priority", j -> j.toBuilder().priority(70).build(),
            UpdateClassifier.Kind.NONE),
        new Case("count", group(g -> g.toBuilder().count(5).build()),
            UpdateClassifier.Kind.IN_PLACE),
        new Case("update block", group(g -> g.toBuilder()
            .update(UpdateStrategy.defaults()).build()), UpdateClassifier.Kind.IN_PLACE),
        new Case("services", group(g -> g.toBuilder().services(List.of(new Service("web",
            "http", List.of(), null, null, List.of()))).build()), UpdateClassifier.Kind.IN_PLACE),
        new Case("kill timeout", task(t -> t.toBuilder().killTimeout(Duration.ofSeconds(9))
            .build()), UpdateClassifier.Kind.IN_PLACE),
        new Case("task config", task(t -> t.toBuilder().config(Map.of("run_for", "1s")).build()),
            UpdateClassifier.Kind.DESTRUCTIVE),
        new Case("driver", task(t -> t.toBuilder().driver("raw_exec").build()),
            UpdateClassifier.Kind.DESTRUCTIVE),
        new Case("resources", task(t -> t.toBuilder().resources(new Resources(500, 0, 128, 0,
            0)).build()), UpdateClassifier.Kind.DESTRUCTIVE),
        new Case("artifact", task(t -> t.toBuilder().artifacts(List.of(new TaskArtifact(
            "https://example.com/app.tgz", Map.of(), Map.of(), "any", "local/"))).build()),
            UpdateClassifier.Kind.DESTRUCTIVE),
        new Case("env", task(t -> t.toBuilder().env(Map.of("A", "1")).build()),
            UpdateClassifier.Kind.DESTRUCTIVE),
        new Case("group meta", group(g -> g.toBuilder().meta(Map.of("a", "b")).build()),
            UpdateClassifier.Kind.DESTRUCTIVE),
        new Case("task added", group(g -> g.toBuilder().tasks(List.of(g.tasks().get(0),
            g.tasks().get(0).toBuilder().name("sidecar").build())).build()),
            UpdateClassifier.Kind.DESTRUCTIVE));
  }

  @ParameterizedTest
  @MethodSource("changes")
  void classifiesEachChangeAsNomadDoes(Case c) {
    Job old = Fixtures.job("web", 2);

    Job next = c.edit().apply(old);

    assertEquals(c.expected(), UpdateClassifier.classify(old, next.group("web")));
  }

  private static UnaryOperator<Job> group(UnaryOperator<TaskGroup> edit) {
    return j -> j.toBuilder().taskGroups(List.of(edit.apply(j.taskGroups().get(0)))).build();
  }

  private static UnaryOperator<Job> task(UnaryOperator<Task> edit) {
    return group(g -> g.toBuilder().tasks(List.of(edit.apply(g.tasks().get(0)))).build());
  }
}
