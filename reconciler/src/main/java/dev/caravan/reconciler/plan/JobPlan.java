package dev.caravan.reconciler.plan;

import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.reconciler.diff.FieldDiff;
import java.util.List;
import java.util.Map;

/**
 * What a plan would do to one job: {@code Create}, {@code Update}, {@code Delete}, {@code None}
 * or {@code Error} (its file does not parse; then {@code errors} say where), whether an update
 * is destructive, the field diff, and per task group the scheduler's dry-run counts.
 */
public record JobPlan(String jobId, String path, String action, boolean destructive,
    List<FieldDiff> diff, Map<String, Plan.DesiredUpdates> groups, List<String> errors) {

  public JobPlan {
    diff = diff == null ? List.of() : List.copyOf(diff);
    groups = groups == null ? Map.of() : Map.copyOf(groups);
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  public boolean changes() {
    return action.equals("Create") || action.equals("Update") || action.equals("Delete");
  }
}
