package dev.caravan.cluster.raft;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SnapshotPacingTest {
  private static final long S = 1_000_000_000L;

  @Test
  void snapshotsStartAnIntervalAfterTheServerAndAfterEachOther() {
    long t0 = -5 * S; // nanoTime may be negative
    SnapshotPacing p = new SnapshotPacing(Duration.ofSeconds(120), t0);
    assertFalse(p.tryStart(t0 + 1));
    assertFalse(p.tryStart(t0 + 119 * S));
    assertTrue(p.tryStart(t0 + 120 * S));
    assertFalse(p.tryStart(t0 + 200 * S));
    assertTrue(p.tryStart(t0 + 240 * S));
  }

  @Test
  void aZeroIntervalNeverHoldsASnapshotBack() {
    SnapshotPacing p = new SnapshotPacing(Duration.ZERO, 0);
    assertTrue(p.tryStart(0));
    assertTrue(p.tryStart(0));
  }
}
