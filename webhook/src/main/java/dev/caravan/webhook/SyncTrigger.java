package dev.caravan.webhook;

/** Asks the reconciler to sync one source now. Called from the receiver's worker thread. */
@FunctionalInterface
public interface SyncTrigger {
    void sync(String sourceName);
}
