package dev.caravan.reconciler.plan;

import dev.caravan.cluster.plan.JobDiff;
import dev.caravan.cluster.plan.JobDiff.FieldDiff;
import dev.caravan.cluster.plan.JobDiff.ObjectDiff;
import dev.caravan.cluster.plan.JobDiff.TaskDiff;
import dev.caravan.cluster.plan.JobDiff.TaskGroupDiff;
import dev.caravan.cluster.plan.JobPlanResponse;
import dev.caravan.cluster.structs.AllocMetric;
import dev.caravan.cluster.structs.Job;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a {@link JobPlanResponse} as {@code nomad job plan} prints it (without colours): the
 * diff with {@code +}, {@code -} and {@code +/-} markers and aligned fields, each group's
 * update counts, the scheduler's dry run with the reasons placements would fail, and the job
 * modify index with the check-and-set command to run. Pure.
 */
public final class JobPlanText {
  private JobPlanText() {}

  /**
   * The plan as text.
   *
   * @param jobType the submitted job's type (a system job's failure reads differently)
   * @param file the job file, for the {@code -check-index} hint
   * @param verbose show unchanged fields and tasks too
   * @param now the time the periodic launch is measured from
   */
  public static String render(JobPlanResponse plan, String jobType, String file,
      boolean verbose, Instant now) {
    StringBuilder out = new StringBuilder();
    if (plan.diff() != null) {
      out.append(diff(plan.diff(), verbose).strip()).append("\n\n");
    }
    out.append("Scheduler dry-run:\n").append(dryRun(plan, jobType, now)).append("\n\n");
    if (!plan.warnings().isEmpty()) {
      out.append("Job Warnings:\n").append(plan.warnings()).append("\n\n");
    }
    out.append("Job Modify Index: ").append(plan.jobModifyIndex()).append('\n')
        .append("To submit the job with version verification run:\n\n")
        .append("caravan job run -check-index ").append(plan.jobModifyIndex()).append(' ')
        .append(file).append("\n\n")
        .append("When running the job with the check-index flag, the job will only be run if the\n")
        .append("job modify index given matches the server-side version. If the index has\n")
        .append("changed, another user has modified the job and the plan's results are\n")
        .append("potentially invalid.\n");
    return out.toString();
  }

  /** {@code nomad job plan}'s exit code: 1 when allocations would change, else 0. */
  public static int exitCode(JobPlanResponse plan) {
    return plan.changesAllocations() ? 1 : 0;
  }

  static String diff(JobDiff job, boolean verbose) {
    StringBuilder out = new StringBuilder();
    out.append(marker(job.type())).append("Job: \"").append(job.id()).append("\"\n");
    List<FieldDiff> fields = visible(job.fields(), verbose);
    int longestMarker = longestMarker(fields, job.objects());
    for (TaskGroupDiff g : job.taskGroups()) {
      longestMarker = Math.max(longestMarker, marker(g.type()).length());
    }
    if (job.type() == JobDiff.Type.Edited || verbose) {
      String fo = aligned(fields, job.objects(), 0, longestField(fields), longestMarker);
      out.append(fo);
      if (!fo.isEmpty()) {
        out.append('\n');
      }
    }
    for (TaskGroupDiff g : job.taskGroups()) {
      out.append(group(g, longestMarker - marker(g.type()).length(), verbose)).append('\n');
    }
    return out.toString();
  }

  private static String group(TaskGroupDiff g, int prefix, boolean verbose) {
    StringBuilder out = new StringBuilder();
    out.append(marker(g.type())).append(" ".repeat(prefix)).append("Task Group: \"")
        .append(g.name()).append('"');
    if (!g.updates().isEmpty()) {
      StringBuilder u = new StringBuilder();
      for (Map.Entry<String, Integer> e : new TreeMap<>(g.updates()).entrySet()) {
        if (!u.isEmpty()) {
          u.append(", ");
        }
        u.append(e.getValue()).append(' ').append(e.getKey());
      }
      out.append(" (").append(u).append(')');
    }
    out.append('\n');
    List<FieldDiff> fields = visible(g.fields(), verbose);
    int longestMarker = longestMarker(fields, g.objects());
    for (TaskDiff t : g.tasks()) {
      longestMarker = Math.max(longestMarker, marker(t.type()).length());
    }
    int sub = prefix + 2;
    if (g.type() == JobDiff.Type.Edited || g.type() == JobDiff.Type.Added || verbose) {
      String fo = aligned(fields, g.objects(), sub, longestField(fields), longestMarker);
      out.append(fo);
      if (!fo.isEmpty()) {
        out.append('\n');
      }
    }
    for (TaskDiff t : g.tasks()) {
      if (t.type() == JobDiff.Type.None && !verbose) {
        continue;
      }
      out.append(task(t, sub, longestMarker - marker(t.type()).length(), verbose)).append('\n');
    }
    return out.toString().stripTrailing();
  }

  private static String task(TaskDiff t, int start, int prefix, boolean verbose) {
    StringBuilder out = new StringBuilder();
    out.append(" ".repeat(start)).append(marker(t.type())).append(" ".repeat(prefix))
        .append("Task: \"").append(t.name()).append('"');
    if (!t.annotations().isEmpty()) {
      out.append(" (").append(String.join(", ", t.annotations())).append(')');
    }
    if (t.type() == JobDiff.Type.None
        || ((t.type() == JobDiff.Type.Added || t.type() == JobDiff.Type.Deleted) && !verbose)) {
      return out.toString();
    }
    out.append('\n');
    List<FieldDiff> fields = visible(t.fields(), verbose);
    out.append(aligned(fields, t.objects(), start + 2, longestField(fields),
        longestMarker(fields, t.objects())));
    return out.toString();
  }

  private static String aligned(List<FieldDiff> fields, List<ObjectDiff> objects, int start,
      int longestField, int longestMarker) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      FieldDiff f = fields.get(i);
      out.append(field(f, start, longestMarker - marker(f.type()).length(),
          longestField - f.name().length()));
      if (i + 1 != fields.size() || !objects.isEmpty()) {
        out.append('\n');
      }
    }
    for (int i = 0; i < objects.size(); i++) {
      ObjectDiff o = objects.get(i);
      out.append(object(o, start, longestMarker - marker(o.type()).length()));
      if (i + 1 != objects.size()) {
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static String field(FieldDiff f, int start, int keyPrefix, int valuePrefix) {
    StringBuilder out = new StringBuilder();
    out.append(" ".repeat(start)).append(marker(f.type())).append(" ".repeat(keyPrefix))
        .append(f.name()).append(": ").append(" ".repeat(valuePrefix));
    switch (f.type()) {
      case Added -> out.append(quote(f.newValue()));
      case Deleted -> out.append(quote(f.old()));
      case Edited -> out.append(quote(f.old())).append(" => ").append(quote(f.newValue()));
      default -> out.append(quote(f.newValue()));
    }
    if (!f.annotations().isEmpty()) {
      out.append(" (").append(String.join(", ", f.annotations())).append(')');
    }
    return out.toString();
  }

  private static String object(ObjectDiff o, int start, int keyPrefix) {
    String marker = marker(o.type());
    StringBuilder out = new StringBuilder();
    out.append(" ".repeat(start)).append(marker).append(" ".repeat(keyPrefix)).append(o.name())
        .append(" {\n");
    out.append(aligned(o.fields(), o.objects(), start + keyPrefix + 2, longestField(o.fields()),
        longestMarker(o.fields(), o.objects())));
    out.append('\n').append(" ".repeat(start + marker.length() + keyPrefix)).append('}');
    return out.toString();
  }

  static String dryRun(JobPlanResponse plan, String jobType, Instant now) {
    StringBuilder out = new StringBuilder();
    if (plan.failedTgAllocs().isEmpty()) {
      out.append("- All tasks successfully allocated.\n");
    } else {
      out.append(Job.TYPE_SYSTEM.equals(jobType)
          ? "- WARNING: Failed to place allocations on all nodes.\n"
          : "- WARNING: Failed to place all allocations.\n");
      for (Map.Entry<String, AllocMetric> e : plan.failedTgAllocs().entrySet()) {
        AllocMetric m = e.getValue();
        int n = m.coalescedFailures() + 1;
        out.append("  Task Group \"").append(e.getKey()).append("\" (failed to place ").append(n)
            .append(n == 1 ? " allocation" : " allocations").append("):\n");
        out.append(metrics(m, "    ")).append("\n\n");
      }
      out.setLength(out.length() - 1);
    }
    if (!JobPlanResponse.NO_LAUNCH.equals(plan.nextPeriodicLaunch())) {
      try {
        Instant next = Instant.parse(plan.nextPeriodicLaunch());
        out.append("- If submitted now, next periodic launch would be at ").append(next)
            .append(" (").append(human(Duration.between(now, next))).append(" from now).\n");
      } catch (DateTimeParseException e) {
        out.append("- Next periodic launch: ").append(plan.nextPeriodicLaunch()).append('\n');
      }
    }
    return out.toString().stripTrailing();
  }

  /** The reasons of one group's failed placements, one {@code * ...} line each. */
  static String metrics(AllocMetric m, String prefix) {
    StringBuilder out = new StringBuilder();
    if (m.nodesEvaluated() == 0) {
      out.append(prefix).append("* No nodes were eligible for evaluation\n");
    } else {
      out.append(prefix).append("* ").append(m.nodesEvaluated()).append(" nodes evaluated, ")
          .append(m.nodesFiltered()).append(" filtered\n");
    }
    new TreeMap<>(m.nodesAvailable()).forEach((dc, n) -> {
      if (n == 0) {
        out.append(prefix).append("* No nodes are available in datacenter \"").append(dc)
            .append("\"\n");
      }
    });
    new TreeMap<>(m.classFiltered()).forEach((c, n) -> out.append(prefix).append("* Class \"")
        .append(c).append("\": ").append(n).append(" nodes excluded by filter\n"));
    new TreeMap<>(m.constraintFiltered()).forEach((c, n) -> out.append(prefix)
        .append("* Constraint \"").append(c).append("\": ").append(n)
        .append(" nodes excluded by filter\n"));
    if (m.nodesExhausted() > 0) {
      out.append(prefix).append("* Resources exhausted on ").append(m.nodesExhausted())
          .append(" nodes\n");
    }
    new TreeMap<>(m.classExhausted()).forEach((c, n) -> out.append(prefix).append("* Class \"")
        .append(c).append("\" exhausted on ").append(n).append(" nodes\n"));
    new TreeMap<>(m.dimensionExhausted()).forEach((d, n) -> out.append(prefix)
        .append("* Dimension \"").append(d).append("\" exhausted on ").append(n)
        .append(" nodes\n"));
    return out.toString().stripTrailing();
  }

  private static String human(Duration d) {
    if (d.isNegative()) {
      return "0s";
    }
    long s = d.toSeconds();
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append('h');
    }
    if (s >= 60) {
      b.append(s % 3600 / 60).append('m');
    }
    return b.append(s % 60).append('s').toString();
  }

  private static List<FieldDiff> visible(List<FieldDiff> fields, boolean verbose) {
    return verbose ? fields : fields.stream().filter(f -> f.type() != JobDiff.Type.None).toList();
  }

  private static int longestField(List<FieldDiff> fields) {
    return fields.stream().mapToInt(f -> f.name().length()).max().orElse(0);
  }

  private static int longestMarker(List<FieldDiff> fields, List<ObjectDiff> objects) {
    int m = 0;
    for (FieldDiff f : fields) {
      m = Math.max(m, marker(f.type()).length());
    }
    for (ObjectDiff o : objects) {
      m = Math.max(m, marker(o.type()).length());
    }
    return m;
  }

  private static String marker(JobDiff.Type type) {
    return switch (type) {
      case Added -> "+ ";
      case Deleted -> "- ";
      case Edited -> "+/- ";
      case None -> "";
    };
  }

  /** Go's {@code %q}: the value in double quotes, backslashes, quotes and newlines escaped. */
  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
