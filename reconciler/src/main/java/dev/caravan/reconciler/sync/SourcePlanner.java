package dev.caravan.reconciler.sync;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Job;
import dev.caravan.reconciler.diff.JobDiff;
import dev.caravan.reconciler.git.SourceConfig;
import dev.caravan.reconciler.git.SourceSnapshot;
import dev.caravan.reconciler.jobspec.Jobspec;
import dev.caravan.reconciler.jobspec.JobspecError;
import dev.caravan.reconciler.jobspec.JobspecException;
import dev.caravan.reconciler.plan.DryRun;
import dev.caravan.reconciler.plan.JobPlan;
import dev.caravan.reconciler.plan.SourcePlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Plans a commit of a source (or a local checkout) against the live cluster with the same
 * decision step as a sync pass, as if Git had just changed every file: per job the action,
 * the field diff and the scheduler's dry-run counts, and the pass's prune refusal as the
 * plan's error. Pure apart from reading the given state.
 */
public final class SourcePlanner {
  private SourcePlanner() {}

  public static SourcePlan plan(SourceConfig config, SourceSnapshot snap, String ref,
      ClusterState state, JobClaims claims) {
    SourceSyncer.Vars vars = SourceSyncer.Vars.parse(config.varFiles(), snap);
    List<SyncDecider.Desired> desired = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (Map.Entry<String, SourceSnapshot.File> f : new TreeMap<>(snap.files()).entrySet()) {
      String path = f.getKey();
      SourceSnapshot.File file = f.getValue();
      List<String> errors = vars.errors();
      Job job = null;
      if (errors.isEmpty() && file.content() == null) {
        errors = List.of(path + ":1:1: file is larger than 1 MiB");
      } else if (errors.isEmpty()) {
        try {
          job = SourceSyncer.withSourceMeta(config, Jobspec.parse(path, file.content(),
              vars.values()), path, snap.commit());
          keys.add(JobClaims.key(job.namespace(), job.id()));
        } catch (JobspecException e) {
          errors = e.errors().stream().map(JobspecError::toString).toList();
        }
      }
      desired.add(new SyncDecider.Desired(path, file.blobId(), job, errors));
    }
    Map<String, String> elsewhere = claims == null ? Map.of()
        : claims.claimedElsewhere(config.name(), keys);
    SyncDecider.Context ctx = new SyncDecider.Context(config, snap.commit(), state, elsewhere,
        Set.of(), Set.of(), false, (liveCommit, livePath, path, blob) -> true, Map.of());
    SyncDecider.Outcome outcome = SyncDecider.decide(desired, ctx);
    List<JobPlan> jobs = new ArrayList<>();
    for (SyncDecider.Decision d : outcome.decisions()) {
      jobs.add(jobPlan(d, state, config.prune()));
    }
    return new SourcePlan(config.name(), ref, snap.commit(), jobs, outcome.refusal());
  }

  private static JobPlan jobPlan(SyncDecider.Decision d, ClusterState state, boolean prune) {
    if (d.status() == SyncStatus.Error) {
      return new JobPlan(d.jobId(), d.path(), "Error", false, List.of(), Map.of(), d.messages());
    }
    // a refused pass still shows what Git wants; the refusal is the plan's error
    SyncAction action = d.action();
    if (action == SyncAction.None && d.job() != null && d.live() != null
        && d.status() == SyncStatus.OutOfSync) {
      action = SyncAction.Update;
    } else if (action == SyncAction.None && d.job() != null && d.status() == SyncStatus.Missing) {
      action = SyncAction.Create;
    } else if (action == SyncAction.None && d.job() == null && d.live() != null && prune) {
      action = SyncAction.Delete;
    }
    return switch (action) {
      case Create, Update -> {
        JobDiff diff = JobDiff.between(d.live() == null || d.live().stop() ? null : d.live(),
            d.job());
        yield new JobPlan(d.jobId(), d.path(), action.name(), diff.destructive(), diff.fields(),
            DryRun.groups(state, d.job(), false, d.namespace(), d.jobId()), d.messages());
      }
      case Delete -> new JobPlan(d.jobId(), d.path(), "Delete", true,
          JobDiff.between(d.live(), null).fields(),
          DryRun.groups(state, null, true, d.namespace(), d.jobId()), d.messages());
      case None -> new JobPlan(d.jobId(), d.path(), "None", false, List.of(), Map.of(),
          d.messages());
    };
  }
}
