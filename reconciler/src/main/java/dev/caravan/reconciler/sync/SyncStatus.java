package dev.caravan.reconciler.sync;

/** A job's sync status, as Argo CD and Caravan's API name it. */
public enum SyncStatus {
  Synced, OutOfSync, Missing, Error, Pruning
}
