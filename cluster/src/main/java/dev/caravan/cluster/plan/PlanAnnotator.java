package dev.caravan.cluster.plan;

import dev.caravan.cluster.plan.JobDiff.FieldDiff;
import dev.caravan.cluster.plan.JobDiff.ObjectDiff;
import dev.caravan.cluster.plan.JobDiff.TaskDiff;
import dev.caravan.cluster.plan.JobDiff.TaskGroupDiff;
import dev.caravan.cluster.plan.JobDiff.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds to a {@link JobDiff} what its changes force, as Nomad's {@code scheduler/annotate.go}
 * does: a group's {@code Count} forces create (up) or destroy (down); a task added to or
 * removed with its group forces create or destroy; any other task change forces a
 * create/destroy update, except the ones an allocation absorbs in place (the same set the
 * scheduler's {@code UpdateClassifier} uses: kill timeout and signal, shutdown delay,
 * services, constraints, affinities, restart policy); and each group gets the scheduler's
 * counts under Nomad's update names. Pure.
 */
public final class PlanAnnotator {
  public static final String FORCES_CREATE = "forces create";
  public static final String FORCES_DESTROY = "forces destroy";
  public static final String FORCES_IN_PLACE = "forces in-place update";
  public static final String FORCES_DESTRUCTIVE = "forces create/destroy update";

  public static final String UPDATE_IGNORE = "ignore";
  public static final String UPDATE_CREATE = "create";
  public static final String UPDATE_MIGRATE = "migrate";
  public static final String UPDATE_DESTROY = "destroy";
  public static final String UPDATE_IN_PLACE = "in-place update";
  public static final String UPDATE_DESTRUCTIVE = "create/destroy update";
  public static final String UPDATE_CANARY = "canary";
  public static final String UPDATE_PREEMPTIONS = "preemptions";

  private static final Set<String> IN_PLACE_FIELDS = Set.of("KillTimeout", "KillSignal",
      "ShutdownDelay");
  private static final Set<String> IN_PLACE_OBJECTS = Set.of("Service", "Constraint",
      "Affinity", "RestartPolicy");

  private PlanAnnotator() {}

  /** The diff with its annotations and each group's update counts. */
  public static JobDiff annotate(JobDiff diff, Map<String, DesiredTgUpdates> desired) {
    List<TaskGroupDiff> groups = new ArrayList<>();
    for (TaskGroupDiff g : diff.taskGroups()) {
      List<FieldDiff> fields = new ArrayList<>();
      for (FieldDiff f : g.fields()) {
        fields.add(f.name().equals("Count") ? count(f) : f);
      }
      List<TaskDiff> tasks = new ArrayList<>();
      for (TaskDiff t : g.tasks()) {
        tasks.add(new TaskDiff(t.type(), t.name(), t.fields(), t.objects(), task(t, g)));
      }
      groups.add(new TaskGroupDiff(g.type(), g.name(), fields, g.objects(), tasks,
          updates(desired.get(g.name()))));
    }
    return new JobDiff(diff.type(), diff.id(), diff.fields(), diff.objects(), groups);
  }

  private static FieldDiff count(FieldDiff f) {
    if (f.type() != Type.Edited) {
      return f;
    }
    try {
      long old = Long.parseLong(f.old());
      long now = Long.parseLong(f.newValue());
      return now > old ? f.annotated(FORCES_CREATE) : now < old ? f.annotated(FORCES_DESTROY) : f;
    } catch (NumberFormatException e) {
      return f;
    }
  }

  private static List<String> task(TaskDiff t, TaskGroupDiff parent) {
    if (t.type() == Type.None) {
      return List.of();
    }
    if (parent.type() == Type.Added || parent.type() == Type.Deleted) {
      if (t.type() == Type.Added) {
        return List.of(FORCES_CREATE);
      }
      if (t.type() == Type.Deleted) {
        return List.of(FORCES_DESTROY);
      }
    }
    boolean destructive = t.type() != Type.Edited;
    for (FieldDiff f : t.fields()) {
      if (f.type() != Type.None && !IN_PLACE_FIELDS.contains(f.name())) {
        destructive = true;
      }
    }
    for (ObjectDiff o : t.objects()) {
      if (!IN_PLACE_OBJECTS.contains(o.name())) {
        destructive = true;
      }
    }
    return List.of(destructive ? FORCES_DESTRUCTIVE : FORCES_IN_PLACE);
  }

  /** Nomad's update names with their non-zero counts. */
  static Map<String, Integer> updates(DesiredTgUpdates u) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (u == null) {
      return out;
    }
    put(out, UPDATE_IGNORE, u.ignore());
    put(out, UPDATE_CREATE, u.place());
    put(out, UPDATE_MIGRATE, u.migrate());
    put(out, UPDATE_DESTROY, u.stop());
    put(out, UPDATE_IN_PLACE, u.inPlaceUpdate());
    put(out, UPDATE_DESTRUCTIVE, u.destructiveUpdate());
    put(out, UPDATE_CANARY, u.canary());
    put(out, UPDATE_PREEMPTIONS, u.preemptions());
    return out;
  }

  private static void put(Map<String, Integer> out, String key, int n) {
    if (n != 0) {
      out.put(key, n);
    }
  }
}
