package dev.caravan.cluster.scheduler.feasible;

import dev.caravan.cluster.structs.Affinity;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.Spread;
import java.util.List;
import java.util.Map;

/**
 * Scores a feasible node for one placement, higher is better: Nomad's bin-packing fit (fuller
 * nodes first), the weighted share of matching affinities, and for spreads how far the node's
 * attribute value is below its target share. The final score is the mean of the parts present.
 */
final class Ranker {
  private Ranker() {}

  /** Nomad's ScoreFitBinPack normalised to 0..1: 1 for a node the placement fills exactly. */
  static double binPack(Node n, int cpuUsed, int memUsed, int askCpu, int askMem) {
    double cpuTotal = Math.max(1, n.nodeResources() == null ? 0 : n.nodeResources().cpuShares());
    double memTotal = Math.max(1, n.nodeResources() == null ? 0 : n.nodeResources().memoryMb());
    double freeCpu = 1 - (cpuUsed + askCpu) / cpuTotal;
    double freeMem = 1 - (memUsed + askMem) / memTotal;
    double total = Math.pow(10, freeCpu) + Math.pow(10, freeMem);
    double score = Math.max(0, Math.min(18, 20 - total));
    return score / 18;
  }

  /** Sum of the weights of matching affinities over the sum of absolute weights: -1..1. */
  static double affinity(Node n, List<Affinity> affinities) {
    double sum = 0;
    double total = 0;
    for (Affinity a : affinities) {
      total += Math.abs(a.weight());
      String l = ConstraintChecker.resolve(n, a.lTarget());
      String r = ConstraintChecker.resolve(n, a.rTarget());
      if (ConstraintChecker.check(a.operand(), l, r)) {
        sum += a.weight();
      }
    }
    return total == 0 ? 0 : sum / total;
  }

  /**
   * The spread boost of placing on a node, -1..1, weighted over the spreads. With targets a
   * value below its share of {@code total} scores positive; a value without a target counts as
   * the remaining share. Without targets values should be even: the least used value scores 1,
   * the most used -1 ({@code counts} then holds every value of the feasible nodes).
   *
   * @param counts per spread (same order), allocations of the group per attribute value
   * @param total the group's desired count
   */
  static double spread(Node n, List<Spread> spreads, List<Map<String, Integer>> counts,
      int total) {
    double sum = 0;
    double weights = 0;
    for (int i = 0; i < spreads.size(); i++) {
      Spread s = spreads.get(i);
      int weight = s.weight() == 0 ? 50 : s.weight();
      weights += Math.abs(weight);
      String value = ConstraintChecker.resolve(n, s.attribute());
      Map<String, Integer> c = counts.get(i);
      int current = value == null ? 0 : c.getOrDefault(value, 0);
      double boost;
      if (value == null) {
        boost = -1;
      } else if (!s.spreadTarget().isEmpty()) {
        int percent = -1;
        int named = 0;
        for (Spread.SpreadTarget t : s.spreadTarget()) {
          named += t.percent();
          if (t.value().equals(value)) {
            percent = t.percent();
          }
        }
        if (percent < 0) {
          percent = Math.max(0, 100 - named);
        }
        double desired = percent * total / 100.0;
        boost = desired <= 0 ? -1 : Math.max(-1, Math.min(1, (desired - current) / desired));
      } else {
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int v : c.values()) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        if (c.isEmpty() || max == min) {
          boost = 1;
        } else {
          boost = 1 - 2.0 * (current - min) / (max - min);
        }
      }
      sum += boost * weight;
    }
    return weights == 0 ? 0 : sum / weights;
  }
}
