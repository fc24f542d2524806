package dev.caravan.reconciler.sync;

/** What a sync pass does to one job. */
public enum SyncAction {
  Create, Update, Delete, None
}
