package dev.caravan.reconciler.sync;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.reconciler.diff.FieldDiff;
import dev.caravan.reconciler.diff.JobDiff;
import dev.caravan.reconciler.git.SourceConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sync decision of one pass, pure: desired jobs (one per file, or the file's errors) and
 * the live state in, one {@link Decision} per job out, in path order, plus the pass's refusal
 * when pruning would take more than the source's {@code max_prune_fraction}.
 *
 * <p>A live job that differs from Git is an update when Git changed the job since the commit
 * the live job was applied from, and drift otherwise (changed through the API or the CLI):
 * healed once per commit with {@code self_heal}, reported {@code OutOfSync} without. Meta
 * {@code caravan.*} never counts as a difference; jobs with a ParentID (children of periodic
 * and parameterized jobs) are neither owned nor pruned.
 */
final class SyncDecider {
  private SyncDecider() {}

  /** One job file: its parsed job (carrying meta caravan.*), or its errors. */
  record Desired(String path, String blobId, Job job, List<String> errors) {
    Desired {
      errors = errors == null ? List.of() : List.copyOf(errors);
    }
  }

  /** Tells whether Git changed a job file between the commit a live job came from and now. */
  interface GitHistory {
    boolean changedSince(String liveCommit, String livePath, String path, String blobId);
  }

  /** Everything a pass knows besides the desired jobs. */
  record Context(SourceConfig config, String commit, ClusterState state,
      Map<String, String> claimedElsewhere, Set<String> known, Set<String> healed,
      boolean allowMassPrune, GitHistory history, Map<String, Synced> synced) {}

  /**
   * A file whose job the last pass found in sync: its blob and the live job's modify index.
   * When neither moved, the job is still in sync and is not compared again (incremental).
   */
  record Synced(String blobId, long jobModifyIndex) {}

  /** What to do with one job; {@code job} is what to register (counts preserved). */
  record Decision(String jobId, String namespace, String path, SyncAction action,
      SyncStatus status, Job job, Job live, List<String> messages, List<String> diff,
      boolean heal) {}

  record Outcome(List<Decision> decisions, String refusal) {}

  static Outcome decide(List<Desired> desired, Context ctx) {
    List<Decision> out = new ArrayList<>();
    Map<String, List<String>> pathsById = new HashMap<>();
    Set<String> erroredPaths = new HashSet<>();
    Set<String> desiredKeys = new HashSet<>();
    for (Desired d : desired) {
      if (d.job() == null) {
        erroredPaths.add(d.path());
      } else {
        String key = JobClaims.key(d.job().namespace(), d.job().id());
        pathsById.computeIfAbsent(key, k -> new ArrayList<>()).add(d.path());
        desiredKeys.add(key);
      }
    }
    for (Desired d : desired) {
      out.add(decideOne(d, ctx, pathsById));
    }
    List<Job> owned = owned(ctx);
    List<Job> prune = new ArrayList<>();
    for (Job live : owned) {
      String key = JobClaims.key(live.namespace(), live.id());
      String path = live.meta().get(JobComparison.META_PATH);
      if (desiredKeys.contains(key) || erroredPaths.contains(path)
          || ctx.claimedElsewhere().containsKey(key)) {
        continue; // still declared, unreadable (never delete what we cannot read), or moved
      }
      prune.add(live);
    }
    String refusal = null;
    if (ctx.config().prune() && !prune.isEmpty() && !ctx.allowMassPrune()
        && prune.size() > ctx.config().maxPruneFraction() * owned.size()) {
      refusal = "prune refused: this pass would delete " + prune.size() + " of the "
          + owned.size() + " jobs of source " + ctx.config().name()
          + " (more than max_prune_fraction " + ctx.config().maxPruneFraction()
          + "); if that is intended, confirm with: caravan source sync " + ctx.config().name()
          + " -allow-mass-prune";
    }
    for (Job live : prune) {
      String path = live.meta().get(JobComparison.META_PATH);
      if (ctx.config().prune() && refusal == null) {
        out.add(new Decision(live.id(), live.namespace(), path, SyncAction.Delete,
            SyncStatus.Pruning, null, live, List.of(path + ": deleted from Git; pruning"),
            List.of(), false));
      } else {
        out.add(new Decision(live.id(), live.namespace(), path, SyncAction.None,
            SyncStatus.OutOfSync, null, live, List.of(path + ": deleted from Git; "
                + (refusal == null ? "prune is off for this source" : "prune refused")),
            List.of(), false));
      }
    }
    out.sort((a, b) -> String.valueOf(a.path()).compareTo(String.valueOf(b.path())));
    if (refusal != null) {
      List<Decision> held = new ArrayList<>();
      for (Decision d : out) {
        held.add(d.action() == SyncAction.None ? d : new Decision(d.jobId(), d.namespace(),
            d.path(), SyncAction.None, SyncStatus.OutOfSync, d.job(), d.live(),
            List.of(d.path() + ": not applied: " + refusal), d.diff(), false));
      }
      out = held;
    }
    return new Outcome(out, refusal);
  }

  /** Live jobs this source registered: running or pending, not children. */
  private static List<Job> owned(Context ctx) {
    List<Job> out = new ArrayList<>();
    for (Job j : ctx.state().jobs()) {
      if (!j.stop() && (j.parentId() == null || j.parentId().isEmpty())
          && ctx.config().name().equals(j.meta().get(JobComparison.META_SOURCE))) {
        out.add(j);
      }
    }
    return out;
  }

  /** Decides one desired job against the latest live state (also used after a CAS conflict). */
  static Decision decideOne(Desired d, Context ctx, Map<String, List<String>> pathsById) {
    if (d.job() == null) {
      Job live = liveAt(ctx, d.path());
      return new Decision(live == null ? null : live.id(), live == null ? null : live.namespace(),
          d.path(), SyncAction.None, SyncStatus.Error, null, live, d.errors(), List.of(), false);
    }
    Job job = d.job();
    String key = JobClaims.key(job.namespace(), job.id());
    List<String> same = pathsById.getOrDefault(key, List.of(d.path()));
    if (same.size() > 1) {
      List<String> others = new ArrayList<>(same);
      others.remove(d.path());
      return error(d, job, "job \"" + job.id() + "\" is also defined in " + String.join(", ", others));
    }
    String other = ctx.claimedElsewhere().get(key);
    if (other != null) {
      return error(d, job, "job \"" + job.id() + "\" is also declared by source \"" + other
          + "\"; a job belongs to one source: remove it from one of them");
    }
    Job live = ctx.state().job(job.namespace(), job.id()).orElse(null);
    Synced memo = ctx.synced().get(d.path());
    if (memo != null && live != null && !live.stop() && memo.blobId().equals(d.blobId())
        && memo.jobModifyIndex() == live.jobModifyIndex()) {
      return new Decision(job.id(), job.namespace(), d.path(), SyncAction.None,
          SyncStatus.Synced, job, live, List.of(), List.of(), false);
    }
    String healKey = key + "@" + ctx.commit();
    boolean mayHeal = ctx.config().selfHeal() && !ctx.healed().contains(healKey);
    if (live == null || live.stop()) {
      boolean deletedOutsideGit = ctx.known().contains(key) || (live != null
          && ctx.config().name().equals(live.meta().get(JobComparison.META_SOURCE))
          && !ctx.history().changedSince(live.meta().get(JobComparison.META_COMMIT),
              live.meta().get(JobComparison.META_PATH), d.path(), d.blobId()));
      if (!deletedOutsideGit) {
        return new Decision(job.id(), job.namespace(), d.path(), SyncAction.Create,
            SyncStatus.Missing, job, live, List.of(), List.of(), false);
      }
      if (mayHeal) {
        return new Decision(job.id(), job.namespace(), d.path(), SyncAction.Create,
            SyncStatus.Missing, job, live, List.of(d.path() + ": stopped or deleted outside Git; "
                + "self-heal re-creates it"), List.of(), true);
      }
      return new Decision(job.id(), job.namespace(), d.path(), SyncAction.None,
          SyncStatus.Missing, job, live, List.of(d.path() + ": stopped or deleted outside Git; "
              + (ctx.config().selfHeal() ? "already healed once at this commit" : "self_heal is off")),
          List.of(), false);
    }
    Job want = ctx.config().preserveCounts() ? withLiveCounts(job, live) : job;
    JobDiff diff = JobComparison.sameSpec(want, live) ? new JobDiff(JobDiff.Type.None, List.of())
        : JobDiff.between(live, want);
    if (diff.type() == JobDiff.Type.None) {
      String livePath = live.meta().get(JobComparison.META_PATH);
      boolean moved = !ctx.config().name().equals(live.meta().get(JobComparison.META_SOURCE))
          || (livePath != null && !livePath.equals(d.path()));
      if (moved && (livePath == null || ctx.history().changedSince(
          live.meta().get(JobComparison.META_COMMIT), livePath, d.path(), d.blobId()))) {
        return new Decision(job.id(), job.namespace(), d.path(), SyncAction.Update,
            SyncStatus.OutOfSync, want, live, List.of(d.path() + ": moved from " + livePath),
            List.of(), false);
      }
      return new Decision(job.id(), job.namespace(), d.path(), SyncAction.None,
          SyncStatus.Synced, want, live, List.of(), List.of(), false);
    }
    List<String> lines = diff.fields().stream().map(FieldDiff::toString).toList();
    String liveCommit = live.meta().get(JobComparison.META_COMMIT);
    boolean ours = ctx.config().name().equals(live.meta().get(JobComparison.META_SOURCE));
    boolean gitChanged = liveCommit == null || !ours || ctx.history().changedSince(liveCommit,
        live.meta().get(JobComparison.META_PATH), d.path(), d.blobId());
    if (gitChanged) {
      return new Decision(job.id(), job.namespace(), d.path(), SyncAction.Update,
          SyncStatus.OutOfSync, want, live, List.of(), lines, false);
    }
    if (mayHeal) {
      return new Decision(job.id(), job.namespace(), d.path(), SyncAction.Update,
          SyncStatus.OutOfSync, want, live,
          List.of(d.path() + ": changed outside Git; self-heal re-applies Git"), lines, true);
    }
    return new Decision(job.id(), job.namespace(), d.path(), SyncAction.None,
        SyncStatus.OutOfSync, want, live, List.of(d.path() + ": changed outside Git; "
            + (ctx.config().selfHeal() ? "already healed once at this commit" : "self_heal is off")),
        lines, false);
  }

  private static Decision error(Desired d, Job job, String message) {
    return new Decision(job.id(), job.namespace(), d.path(), SyncAction.None, SyncStatus.Error,
        null, null, List.of(d.path() + ": " + message), List.of(), false);
  }

  /** The live job this source registered from {@code path}, if any (to name a broken file's job). */
  private static Job liveAt(Context ctx, String path) {
    for (Job j : ctx.state().jobs()) {
      if (path.equals(j.meta().get(JobComparison.META_PATH))
          && ctx.config().name().equals(j.meta().get(JobComparison.META_SOURCE))
          && (j.parentId() == null || j.parentId().isEmpty())) {
        return j;
      }
    }
    return null;
  }

  /** Nomad's PreserveCounts: groups that exist live keep their live count. */
  static Job withLiveCounts(Job desired, Job live) {
    List<TaskGroup> groups = new ArrayList<>();
    for (TaskGroup g : desired.taskGroups()) {
      TaskGroup have = live.group(g.name());
      groups.add(have == null || have.count() == g.count() ? g
          : g.toBuilder().count(have.count()).build());
    }
    return desired.toBuilder().taskGroups(groups).build();
  }
}
