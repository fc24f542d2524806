package dev.caravan.cluster.raft;

import java.time.Duration;

/**
 * When a background snapshot may start: Ratis asks for one as soon as the log has grown by the
 * threshold since the last, which under a steady stream of writes meant writing the whole state
 * every few seconds. As Nomad (raft_snapshot_threshold 8192, raft_snapshot_interval 120 s,
 * whose first check comes an interval after start), a snapshot is taken once both hold: enough
 * new entries (Ratis' check) and at least the interval since the server started or the previous
 * background snapshot began. An operator's snapshot is never held back.
 */
final class SnapshotPacing {
  private final long intervalNanos;
  private long lastStart;

  SnapshotPacing(Duration interval, long startNanos) {
    this.intervalNanos = interval.toNanos();
    this.lastStart = startNanos;
  }

  /** True, and the interval restarts, when a background snapshot may begin at {@code now}. */
  synchronized boolean tryStart(long nowNanos) {
    if (nowNanos - lastStart < intervalNanos) {
      return false;
    }
    lastStart = nowNanos;
    return true;
  }
}
