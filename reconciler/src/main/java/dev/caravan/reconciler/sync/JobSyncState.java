package dev.caravan.reconciler.sync;

import java.util.List;

/**
 * Where one job of a source stands after a sync pass: its file, status, the commit it was
 * last applied from, the errors that keep it from syncing ({@code file:line:column: ...}) or
 * why it is out of sync, its health (null when it does not run), what the pass did to it, and
 * its diff against the live job when that is what keeps it {@code OutOfSync}.
 */
public record JobSyncState(String jobId, String path, SyncStatus status, String commit,
    List<String> errors, Health health, SyncAction action, List<String> diff) {

  public JobSyncState {
    errors = errors == null ? List.of() : List.copyOf(errors);
    diff = diff == null ? List.of() : List.copyOf(diff);
    action = action == null ? SyncAction.None : action;
  }

  public JobSyncState(String jobId, String path, SyncStatus status, String commit,
      List<String> errors) {
    this(jobId, path, status, commit, errors, null, SyncAction.None, List.of());
  }

  JobSyncState withHealth(Health h) {
    return new JobSyncState(jobId, path, status, commit, errors, h, action, diff);
  }
}
