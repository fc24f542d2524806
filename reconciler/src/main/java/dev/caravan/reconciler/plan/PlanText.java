package dev.caravan.reconciler.plan;

import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.reconciler.diff.FieldDiff;
import java.util.Map;

/** Renders a {@link SourcePlan} as text, in the manner of {@code nomad job plan}. */
public final class PlanText {
  private PlanText() {}

  public static String render(SourcePlan plan) {
    StringBuilder out = new StringBuilder();
    out.append("Source: ").append(plan.source()).append(" at ").append(plan.ref());
    if (plan.commit() != null) {
      out.append(" (").append(plan.commit(), 0, Math.min(8, plan.commit().length())).append(')');
    }
    out.append('\n');
    if (plan.error() != null) {
      out.append("Error: ").append(plan.error()).append('\n');
    }
    for (JobPlan j : plan.jobs()) {
      String sign = switch (j.action()) {
        case "Create" -> "+";
        case "Delete" -> "-";
        case "Update" -> "+/-";
        case "Error" -> "!";
        default -> " ";
      };
      out.append('\n').append(sign).append(" Job: \"").append(j.jobId() == null ? "?" : j.jobId())
          .append("\" (").append(j.path()).append(")");
      if (j.action().equals("Update")) {
        out.append(j.destructive() ? " [destructive]" : " [in-place]");
      }
      out.append('\n');
      for (FieldDiff f : j.diff()) {
        out.append("    ").append(f).append('\n');
      }
      for (Map.Entry<String, Plan.DesiredUpdates> g : j.groups().entrySet()) {
        Plan.DesiredUpdates u = g.getValue();
        out.append("    Task Group: \"").append(g.getKey()).append("\" (")
            .append(counts(u)).append(")\n");
      }
      for (String e : j.errors()) {
        out.append("    ").append(e).append('\n');
      }
    }
    out.append('\n').append(plan.hasErrors() ? "Plan has errors."
        : plan.hasChanges() ? "Plan has changes." : "No changes.").append('\n');
    return out.toString();
  }

  private static String counts(Plan.DesiredUpdates u) {
    StringBuilder b = new StringBuilder();
    append(b, u.place(), "create");
    append(b, u.destructiveUpdate(), "create/destroy update");
    append(b, u.inPlaceUpdate(), "in-place update");
    append(b, u.stop(), "destroy");
    append(b, u.canary(), "canary");
    append(b, u.ignore(), "ignore");
    return b.isEmpty() ? "no changes" : b.toString();
  }

  private static void append(StringBuilder b, int n, String what) {
    if (n > 0) {
      if (!b.isEmpty()) {
        b.append(", ");
      }
      b.append(n).append(' ').append(what);
    }
  }
}
