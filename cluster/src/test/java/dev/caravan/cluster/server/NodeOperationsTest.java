package dev.caravan.cluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.DrainStrategy;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NodeOperationsTest {

  record TtlCase(int nodes, long minBaseMillis) {}

  static Stream<TtlCase> ttls() {
    return Stream.of(new TtlCase(1, 10_000), new TtlCase(499, 10_000),
        new TtlCase(1_000, 20_000), new TtlCase(5_000, 100_000));
  }

  @ParameterizedTest
  @MethodSource("ttls")
  void heartbeatTtlGrowsWithTheNodeCountAndIsStaggeredUpToDouble(TtlCase c) {
    SplittableRandom random = new SplittableRandom(c.nodes());
    for (int i = 0; i < 100; i++) {
      long ttl = NodeOperations.heartbeatTtl(Duration.ofSeconds(10), 50, c.nodes(), random)
          .toMillis();

      assertTrue(ttl >= c.minBaseMillis() && ttl < 2 * c.minBaseMillis(), c + " gave " + ttl);
    }
  }

  @Test
  void drainDeadlinesAreStampedFromTheLeadersClock() {
    DrainStrategy minute = new DrainStrategy(Duration.ofMinutes(1), false, 0, 0);
    DrainStrategy force = new DrainStrategy(Duration.ofNanos(-1), false, 0, 0);
    DrainStrategy none = new DrainStrategy(Duration.ZERO, true, 0, 0);

    assertEquals(new DrainStrategy(Duration.ofMinutes(1), false, 1_000 + 60_000_000_000L, 1_000),
        NodeOperations.stampDrain(minute, null, 1_000));
    assertEquals(1_000, NodeOperations.stampDrain(force, null, 1_000).forceDeadline());
    assertEquals(0, NodeOperations.stampDrain(none, null, 1_000).forceDeadline());
    assertEquals(500, NodeOperations.stampDrain(minute, new DrainStrategy(Duration.ofMinutes(1), false, 0, 500), 1_000).startedAt());
  }
}
