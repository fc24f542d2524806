package dev.caravan.cluster.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.plan.JobDiff.FieldDiff;
import dev.caravan.cluster.plan.JobDiff.ObjectDiff;
import dev.caravan.cluster.plan.JobDiff.TaskDiff;
import dev.caravan.cluster.plan.JobDiff.TaskGroupDiff;
import dev.caravan.cluster.plan.JobDiff.Type;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NetworkResource;
import dev.caravan.cluster.structs.Port;
import dev.caravan.cluster.structs.Service;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.Template;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class JobDifferTest {

  private static Job base() {
    Job job = Fixtures.job("web", 2);
    TaskGroup g = job.taskGroups().get(0);
    Task t = g.tasks().get(0).toBuilder()
        .config(Map.of("image", "nginx:1", "args", List.of("-a", "-b")))
        .services(List.of(new Service("http", "http", List.of("v1"), "nomad", null, List.of())))
        .templates(List.of(new Template(null, "local/a.conf", "a", "restart", null, null, null,
            null, null, false)))
        .build();
    return job.toBuilder().constraints(List.of(new Constraint("${attr.kernel.name}", "linux", "=")))
        .taskGroups(List.of(g.toBuilder()
            .networks(List.of(new NetworkResource("host", null, null, null, 0, List.of(),
                List.of(new Port("http", 0, 8080, null), new Port("admin", 0, 9000, null)),
                null)))
            .tasks(List.of(t)).build()))
        .build();
  }

  private static Job editGroup(UnaryOperator<TaskGroup> edit) {
    Job b = base();
    return b.toBuilder().taskGroups(List.of(edit.apply(b.taskGroups().get(0)))).build();
  }

  private static Job editTask(UnaryOperator<Task> edit) {
    return editGroup(g -> g.toBuilder().tasks(List.of(edit.apply(g.tasks().get(0)))).build());
  }

  /** One row: a change, the group's changed blocks, and the task's annotation. */
  record Case(String name, Job desired, List<String> groupObjects, String taskAnnotation) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("one port changed is one edited port",
            editGroup(g -> g.toBuilder().networks(List.of(new NetworkResource("host", null, null,
                null, 0, List.of(), List.of(new Port("http", 0, 8081, null),
                new Port("admin", 0, 9000, null)), null))).build()),
            List.of("Network>Dynamic Port"), null),
        new Case("count change is no task change", editGroup(g -> g.toBuilder().count(3).build()),
            List.of(), null),
        new Case("image change forces a create/destroy update",
            editTask(t -> t.toBuilder().config(Map.of("image", "nginx:2",
                "args", List.of("-a", "-b"))).build()),
            List.of(), PlanAnnotator.FORCES_DESTRUCTIVE),
        new Case("a service tag is updated in place",
            editTask(t -> t.toBuilder().services(List.of(new Service("http", "http",
                List.of("v2"), "nomad", null, List.of()))).build()),
            List.of(), PlanAnnotator.FORCES_IN_PLACE),
        new Case("a template's content forces a create/destroy update",
            editTask(t -> t.toBuilder().templates(List.of(new Template(null, "local/a.conf", "b",
                "restart", null, null, null, null, null, false))).build()),
            List.of(), PlanAnnotator.FORCES_DESTRUCTIVE),
        new Case("kill timeout is updated in place",
            editTask(t -> t.toBuilder().killTimeout(java.time.Duration.ofSeconds(30)).build()),
            List.of(), PlanAnnotator.FORCES_IN_PLACE));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void pairsRepeatedBlocksByKeyAndAnnotatesTasks(Case c) {
    JobDiff diff = PlanAnnotator.annotate(JobDiffer.diff(base(), c.desired()), Map.of());

    assertEquals(Type.Edited, diff.type());
    TaskGroupDiff g = diff.taskGroups().get(0);
    assertEquals(c.groupObjects(), g.objects().stream().map(JobDifferTest::path).toList());
    TaskDiff t = g.tasks().get(0);
    assertEquals(c.taskAnnotation() == null ? List.of() : List.of(c.taskAnnotation()),
        t.annotations());
  }

  private static String path(ObjectDiff o) {
    return o.objects().isEmpty() ? o.name() : o.name() + ">" + String.join(",",
        o.objects().stream().map(JobDifferTest::path).toList());
  }

  @Test
  void aChangedPortShowsOnlyItsChangedFieldBesideItsLabel() {
    Job desired = editGroup(g -> g.toBuilder().networks(List.of(new NetworkResource("host",
        null, null, null, 0, List.of(), List.of(new Port("http", 0, 8081, null),
        new Port("admin", 0, 9000, null)), null))).build());

    ObjectDiff network = JobDiffer.diff(base(), desired).taskGroups().get(0).objects().get(0);

    assertEquals(Type.Edited, network.type());
    ObjectDiff port = network.objects().get(0);
    assertEquals("Dynamic Port", port.name());
    assertEquals(List.of(new FieldDiff(Type.None, "Label", "http", "http", List.of()),
        new FieldDiff(Type.Edited, "To", "8080", "8081", List.of())),
        port.fields().stream()
        .filter(f -> f.type() != Type.None || f.name().equals("Label")).toList());
  }

  @Test
  void countUpForcesCreateAndCountDownForcesDestroy() {
    JobDiff up = PlanAnnotator.annotate(
        JobDiffer.diff(base(), editGroup(g -> g.toBuilder().count(3).build())), Map.of());
    JobDiff down = PlanAnnotator.annotate(
        JobDiffer.diff(base(), editGroup(g -> g.toBuilder().count(1).build())), Map.of());

    assertEquals(new FieldDiff(Type.Edited, "Count", "2", "3",
        List.of(PlanAnnotator.FORCES_CREATE)), field(up.taskGroups().get(0).fields(), "Count"));
    assertEquals(List.of(PlanAnnotator.FORCES_DESTROY),
        field(down.taskGroups().get(0).fields(), "Count").annotations());
    assertEquals(Type.None, up.taskGroups().get(0).tasks().get(0).type());
  }

  @Test
  void aConstraintWithANewValueIsOneEditedConstraint() {
    Job desired = base().toBuilder()
        .constraints(List.of(new Constraint("${attr.kernel.name}", "darwin", "="))).build();

    JobDiff diff = JobDiffer.diff(base(), desired);

    assertEquals(1, diff.objects().size());
    ObjectDiff c = diff.objects().get(0);
    assertEquals("Constraint", c.name());
    assertEquals(Type.Edited, c.type());
    assertEquals(new FieldDiff(Type.Edited, "RTarget", "linux", "darwin", List.of()),
        field(c.fields(), "RTarget"));
  }

  @Test
  void anAddedTaskForcesACreateDestroyUpdateOfItsGroup() {
    Job desired = editGroup(g -> g.toBuilder().tasks(List.of(g.tasks().get(0),
        Task.builder().name("sidecar").driver("mock").build())).build());

    JobDiff diff = PlanAnnotator.annotate(JobDiffer.diff(base(), desired), Map.of());

    TaskDiff sidecar = diff.taskGroups().get(0).tasks().stream()
        .filter(t -> t.name().equals("sidecar")).findFirst().orElseThrow();
    assertEquals(Type.Added, sidecar.type());
    assertEquals(List.of(PlanAnnotator.FORCES_DESTRUCTIVE), sidecar.annotations());
  }

  @Test
  void aNewJobIsAddedWithItsTasksForcingCreate() {
    JobDiff diff = PlanAnnotator.annotate(JobDiffer.diff(null, base()), Map.of("web",
        new DesiredTgUpdates(0, 2, 0, 0, 0, 0, 0, 0)));

    assertEquals(Type.Added, diff.type());
    assertEquals("web", diff.id());
    TaskGroupDiff g = diff.taskGroups().get(0);
    assertEquals(Type.Added, g.type());
    assertEquals(Map.of("create", 2), g.updates());
    assertEquals(List.of(PlanAnnotator.FORCES_CREATE), g.tasks().get(0).annotations());
    assertTrue(diff.fields().stream().allMatch(f -> f.type() == Type.Added));
  }

  @Test
  void configIsOneObjectOfFlattenedFields() {
    Job desired = editTask(t -> t.toBuilder().config(Map.of("image", "nginx:2",
        "args", List.of("-a", "-c"))).build());

    ObjectDiff config = JobDiffer.diff(base(), desired).taskGroups().get(0).tasks().get(0)
        .objects().get(0);

    assertEquals("Config", config.name());
    assertEquals(List.of(new FieldDiff(Type.None, "args[0]", "-a", "-a", List.of()),
        new FieldDiff(Type.Edited, "args[1]", "-b", "-c", List.of()),
        new FieldDiff(Type.Edited, "image", "nginx:1", "nginx:2", List.of())), config.fields());
  }

  @Test
  void identicalJobsHaveNoChanges() {
    JobDiff diff = JobDiffer.diff(base(), base());

    assertEquals(Type.None, diff.type());
    assertTrue(diff.objects().isEmpty());
    assertEquals(Type.None, diff.taskGroups().get(0).type());
  }

  private static FieldDiff field(List<FieldDiff> fields, String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }
}
