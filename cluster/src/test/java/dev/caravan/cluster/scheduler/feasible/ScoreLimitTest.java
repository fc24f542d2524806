package dev.caravan.cluster.scheduler.feasible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of the limit iterator: which candidate wins and how many are looked at. */
class ScoreLimitTest {

  /**
   * Offers scores in order until the limit says stop; returns "winner index/offered count".
   */
  private static String run(int limit, double... scores) {
    ScoreLimit<Integer> l = new ScoreLimit<>(limit, ScoreLimit.MAX_SKIP,
        ScoreLimit.SKIP_THRESHOLD);
    int offered = 0;
    for (int i = 0; i < scores.length && l.wantsMore(); i++) {
      l.offer(i, scores[i]);
      offered++;
    }
    return l.best() + "/" + offered;
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // the best of the first `limit` candidates; later better ones are never looked at
        Arguments.of("limit 2 takes the better of the first two", 2,
            new double[] {0.3, 0.5, 0.9}, "1/2"),
        Arguments.of("limit 3 sees the third", 3, new double[] {0.3, 0.5, 0.9}, "2/3"),
        Arguments.of("fewer candidates than the limit: best of all", 5,
            new double[] {0.2, 0.1}, "0/2"),
        Arguments.of("ties keep the first seen", 3, new double[] {0.4, 0.4, 0.4}, "0/3"),
        // scores below 0 are skipped (up to 3) and do not count toward the limit
        Arguments.of("negative scores skipped, limit counts the others", 2,
            new double[] {-0.5, 0.1, -0.2, 0.3, 0.8}, "3/4"),
        Arguments.of("more than 3 negative: the 4th counts", 2,
            new double[] {-0.1, -0.2, -0.3, -0.4, -0.05}, "4/5"),
        Arguments.of("a counted zero beats a skipped negative", 3,
            new double[] {-0.1, 0.0}, "1/2"),
        Arguments.of("skipped one wins when the candidates run out below the limit", 2,
            new double[] {-0.1, -0.2, -0.3, -0.9}, "0/4"),
        Arguments.of("only skipped candidates: the best of them", 3,
            new double[] {-0.6, -0.2, -0.4}, "1/3"),
        Arguments.of("skipped never beats the limit's pick", 1,
            new double[] {-0.1, 0.0, 0.5}, "1/2"),
        Arguments.of("a skipped better than the counted when the limit was not reached", 4,
            new double[] {-0.01, -0.9, -0.5}, "0/3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void picksTheBestOfAtMostLimitCandidates(String name, int limit, double[] scores,
      String want) {
    assertEquals(want, run(limit, scores));
  }

  @Test
  void nothingOfferedMeansNoPick() {
    ScoreLimit<String> l = new ScoreLimit<>(3, ScoreLimit.MAX_SKIP, ScoreLimit.SKIP_THRESHOLD);
    assertNull(l.best());
    assertEquals(Double.NEGATIVE_INFINITY, l.bestScore());
  }

  @Test
  void scoreOfTheWinnerIsReported() {
    ScoreLimit<String> l = new ScoreLimit<>(2, ScoreLimit.MAX_SKIP, ScoreLimit.SKIP_THRESHOLD);
    l.offer("a", -0.3);
    l.offer("b", 0.2);
    assertEquals("b", l.best());
    assertEquals(0.2, l.bestScore());
  }
}
