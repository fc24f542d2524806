package dev.caravan.cluster.raft;

import java.time.Duration;

/**
 * When a background snapshot may start: Ratis asks for one as soon as the log has grown by the
 * threshold since the last, which under a steady stream of writes meant writing the whole state
 * every few seconds. As Nomad (raft_snapshot_threshold 8192 and raft_snapshot_interval 120 s), a
 * snapshot is taken once both hold: enough new entries (Ratis' check) and at least the interval
 * since the previous background snapshot began. An operator's snapshot is never held back.
 */
final class SnapshotPacing {
  private final long intervalNanos;
  private long lastStart;
  private boolean started;

  SnapshotPacing(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** True, and the interval restarts, when a background snapshot may begin at {@code now}. */
  synchronized boolean tryStart(long nowNanos) {
    if (started && nowNanos - lastStart < intervalNanos) {
      return false;
    }
    started = true;
    lastStart = nowNanos;
    return true;
  }
}
