package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies a change of a task group between two job versions as Nomad does
 * ({@code scheduler/util.go tasksUpdated}): a change that the running tasks cannot absorb
 * (tasks added or removed, driver, user, config, env, task or group meta, resources,
 * artifacts, templates, log config, lifecycle, networks, volumes, ephemeral disk) is
 * destructive and replaces the allocation; anything else (count, the update block, restart
 * and reschedule policies, services and checks, constraints, affinities, spreads, kill
 * timeout and signal, shutdown delay, and every job-level field such as meta or priority)
 * is applied in place: the allocation stays and only its job version moves.
 */
public final class UpdateClassifier {
  private UpdateClassifier() {}

  /** How an allocation of the old version reaches the new one. */
  public enum Kind { NONE, IN_PLACE, DESTRUCTIVE }

  /**
   * The kind of update from {@code old}'s group to {@code group}: NONE when the group is
   * unchanged (job-level changes still move the allocation's version in place), DESTRUCTIVE
   * when {@code old} lacks the group.
   */
  public static Kind classify(Job old, TaskGroup group) {
    TaskGroup before = old == null ? null : old.group(group.name());
    if (before == null) {
      return Kind.DESTRUCTIVE;
    }
    if (before.equals(group)) {
      return Kind.NONE;
    }
    return destructiveShape(before).equals(destructiveShape(group)) ? Kind.IN_PLACE
        : Kind.DESTRUCTIVE;
  }

  /** True when an allocation running {@code old} can move to {@code group} without a restart. */
  public static boolean inPlace(Job old, TaskGroup group) {
    return classify(old, group) != Kind.DESTRUCTIVE;
  }

  /** The group with every field that can change in place blanked out. */
  private static TaskGroup destructiveShape(TaskGroup g) {
    List<Task> tasks = new ArrayList<>();
    for (Task t : g.tasks()) {
      tasks.add(t.toBuilder().services(null).restartPolicy(null).constraints(null)
          .affinities(null).killTimeout(null).killSignal(null).shutdownDelay(null).build());
    }
    return g.toBuilder().count(0).update(null).restartPolicy(null).reschedulePolicy(null)
        .services(null).constraints(null).affinities(null).spreads(null).shutdownDelay(null)
        .maxClientDisconnect(null).tasks(tasks).build();
  }
}
