package dev.caravan.reconciler.sync;

import java.util.List;

/**
 * Where one job of a source stands after a sync pass: its file, status, the commit it was
 * last applied from, and the errors that keep it from syncing ({@code file:line:column: ...}).
 */
public record JobSyncState(String jobId, String path, SyncStatus status, String commit,
    List<String> errors) {

  public JobSyncState {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }
}
