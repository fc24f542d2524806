package dev.caravan.reconciler.plan;

import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.reconciler.diff.FieldDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link SourcePlan} as the Markdown of a pull request preview: a summary line, a
 * table of the jobs that change (with in-place vs destructive and the scheduler's counts per
 * task group), each job's field diff in a collapsed {@code diff} block, and every parse or
 * validation error with its {@code file:line:column}. Everything taken from the repository is
 * shown as code, so a job file cannot inject Markdown or HTML into the comment.
 */
public final class PlanMarkdown {
  private PlanMarkdown() {}

  public static String render(SourcePlan plan) {
    StringBuilder out = new StringBuilder();
    out.append("### Caravan plan for ").append(code(plan.source()));
    if (plan.commit() != null) {
      out.append(" at ").append(code(plan.commit().substring(0, Math.min(12, plan.commit().length()))));
    }
    out.append("\n\n");
    if (plan.error() != null) {
      out.append("**The plan could not be computed.**\n\n");
      block(out, "", plan.error());
      return out.toString();
    }
    out.append("**").append(summary(plan)).append("**\n\n");
    List<JobPlan> shown = plan.jobs().stream().filter(j -> !j.action().equals("None")).toList();
    if (!shown.isEmpty()) {
      out.append("| | Job | File | Change | Task groups |\n|---|---|---|---|---|\n");
      for (JobPlan j : shown) {
        out.append("| ").append(icon(j.action())).append(" | ")
            .append(j.jobId() == null ? "" : code(j.jobId())).append(" | ")
            .append(code(j.path())).append(" | ").append(change(j)).append(" | ")
            .append(groups(j.groups())).append(" |\n");
      }
      out.append('\n');
    }
    for (JobPlan j : shown) {
      if (!j.diff().isEmpty()) {
        out.append("<details><summary>").append(html(j.jobId() == null ? j.path() : j.jobId()))
            .append(": ").append(j.diff().size()).append(j.diff().size() == 1 ? " field" : " fields")
            .append("</summary>\n\n");
        List<String> lines = new ArrayList<>();
        for (FieldDiff f : j.diff()) {
          switch (f.type()) {
            case Added -> lines.add("+ " + f.path() + ": " + f.newValue());
            case Deleted -> lines.add("- " + f.path() + ": " + f.oldValue());
            case Edited -> {
              lines.add("- " + f.path() + ": " + f.oldValue());
              lines.add("+ " + f.path() + ": " + f.newValue());
            }
          }
        }
        block(out, "diff", String.join("\n", lines));
        out.append("</details>\n\n");
      }
    }
    List<String> errors = new ArrayList<>();
    for (JobPlan j : plan.jobs()) {
      errors.addAll(j.errors());
    }
    if (!errors.isEmpty()) {
      out.append("#### Errors\n\n");
      block(out, "", String.join("\n", errors));
    }
    return out.toString();
  }

  /** {@code 2 to create, 1 to update (1 destructive), 1 to delete, 1 with errors; 4 unchanged}. */
  public static String summary(SourcePlan plan) {
    int create = 0;
    int update = 0;
    int destructive = 0;
    int delete = 0;
    int error = 0;
    int none = 0;
    for (JobPlan j : plan.jobs()) {
      switch (j.action()) {
        case "Create" -> create++;
        case "Update" -> {
          update++;
          if (j.destructive()) {
            destructive++;
          }
        }
        case "Delete" -> delete++;
        case "Error" -> error++;
        default -> none++;
      }
    }
    List<String> parts = new ArrayList<>();
    if (create > 0) {
      parts.add(create + " to create");
    }
    if (update > 0) {
      parts.add(update + " to update" + (destructive > 0 ? " (" + destructive + " destructive)" : ""));
    }
    if (delete > 0) {
      parts.add(delete + " to delete");
    }
    if (error > 0) {
      parts.add(error + (error == 1 ? " file" : " files") + " with errors");
    }
    String head = parts.isEmpty() ? "No changes" : String.join(", ", parts);
    return none > 0 ? head + "; " + none + " unchanged" : head;
  }

  private static String icon(String action) {
    return switch (action) {
      case "Create" -> "➕";
      case "Update" -> "✏️";
      case "Delete" -> "➖";
      case "Error" -> "❌";
      default -> "";
    };
  }

  private static String change(JobPlan j) {
    return switch (j.action()) {
      case "Create" -> "create";
      case "Delete" -> "delete";
      case "Update" -> j.destructive() ? "update, destructive" : "update, in place";
      case "Error" -> "error";
      default -> "none";
    };
  }

  private static String groups(Map<String, Plan.DesiredUpdates> groups) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Plan.DesiredUpdates> g : new java.util.TreeMap<>(groups).entrySet()) {
      Plan.DesiredUpdates u = g.getValue();
      List<String> counts = new ArrayList<>();
      count(counts, u.place(), "create");
      count(counts, u.destructiveUpdate(), "create/destroy update");
      count(counts, u.inPlaceUpdate(), "in-place update");
      count(counts, u.stop(), "destroy");
      count(counts, u.canary(), "canary");
      count(counts, u.migrate(), "migrate");
      out.add(code(g.getKey()) + ": " + (counts.isEmpty() ? "no changes" : String.join(", ", counts)));
    }
    return String.join("<br>", out);
  }

  private static void count(List<String> out, int n, String what) {
    if (n > 0) {
      out.add(n + " " + what);
    }
  }

  /** Inline code that survives backticks and table pipes in the value. */
  static String code(String s) {
    String v = s.replace("`", "'").replace("|", "\\|").replace("\n", " ");
    return "`" + v + "`";
  }

  private static String html(String s) {
    return "<code>" + s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</code>";
  }

  private static void block(StringBuilder out, String lang, String text) {
    out.append("```").append(lang).append('\n').append(text.replace("```", "'''")).append("\n```\n\n");
  }
}
