package dev.caravan.reconciler.sync;

import dev.caravan.cluster.structs.Job;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides whether a job from Git differs from the live one: equal specs after the fields the
 * state machine stamps (indexes, version, status, times) and the commit meta are set aside.
 */
final class JobComparison {
  static final String META_SOURCE = "caravan.source";
  static final String META_PATH = "caravan.path";
  static final String META_COMMIT = "caravan.commit";

  private JobComparison() {}

  static boolean sameSpec(Job desired, Job live) {
    return normalize(desired).equals(normalize(live));
  }

  private static Job normalize(Job job) {
    Map<String, String> meta = new LinkedHashMap<>(job.meta());
    meta.remove(META_COMMIT);
    return job.toBuilder().meta(meta).status(null).stable(false).version(0).submitTime(0)
        .createIndex(0).modifyIndex(0).jobModifyIndex(0).stop(false).build();
  }
}
