package dev.caravan.cluster.scheduler.feasible;

/**
 * Nomad's limit iterator followed by its max-score iterator, over candidates offered one at a
 * time in the (shuffled) order they are visited: at most {@code limit} candidates are scored
 * before the best of them is taken; a candidate scoring below {@code threshold} is set aside
 * instead of counting (at most {@code maxSkip} of them) and only competes when fewer than
 * {@code limit} others were found before the candidates ran out.
 *
 * @param <T> the candidate
 */
final class ScoreLimit<T> {
  /** Nomad's values: scores below 0 are skipped, at most 3 of them. */
  static final double SKIP_THRESHOLD = 0.0;
  static final int MAX_SKIP = 3;

  private final int limit;
  private final int maxSkip;
  private final double threshold;
  private int seen;
  private T best;
  private double bestScore = Double.NEGATIVE_INFINITY;
  private int skipped;
  private T bestSkipped;
  private double bestSkippedScore = Double.NEGATIVE_INFINITY;

  ScoreLimit(int limit, int maxSkip, double threshold) {
    this.limit = Math.max(1, limit);
    this.maxSkip = maxSkip;
    this.threshold = threshold;
  }

  /** True while more candidates should be offered. */
  boolean wantsMore() {
    return seen < limit;
  }

  /** Offers a candidate that fits, with its score. */
  void offer(T candidate, double score) {
    if (score < threshold && skipped < maxSkip) {
      skipped++;
      if (score > bestSkippedScore) {
        bestSkippedScore = score;
        bestSkipped = candidate;
      }
      return;
    }
    seen++;
    if (score > bestScore) {
      bestScore = score;
      best = candidate;
    }
  }

  /** The best candidate, or null when none was offered. */
  T best() {
    return skippedWins() ? bestSkipped : best;
  }

  /** The best candidate's score, negative infinity when none was offered. */
  double bestScore() {
    return skippedWins() ? bestSkippedScore : bestScore;
  }

  /** Skipped candidates compete only when the limit was not reached. */
  private boolean skippedWins() {
    return seen < limit && bestSkipped != null && bestSkippedScore > bestScore;
  }
}
