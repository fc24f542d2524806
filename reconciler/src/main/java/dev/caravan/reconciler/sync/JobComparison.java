package dev.caravan.reconciler.sync;

import dev.caravan.cluster.structs.Job;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides whether a job from Git differs from the live one: equal {@link Job#spec()}s once the
 * meta {@code caravan.*} is set aside (a commit that changed other files does not change this
 * job, and Caravan's own bookkeeping is never drift).
 */
final class JobComparison {
  static final String META_SOURCE = "caravan.source";
  static final String META_PATH = "caravan.path";
  static final String META_COMMIT = "caravan.commit";

  private JobComparison() {}

  static boolean sameSpec(Job desired, Job live) {
    return withoutCaravanMeta(desired).equals(withoutCaravanMeta(live));
  }

  private static Job withoutCaravanMeta(Job job) {
    Map<String, String> meta = new LinkedHashMap<>(job.meta());
    meta.keySet().removeIf(k -> k.startsWith("caravan."));
    return job.toBuilder().meta(meta).stop(false).build().spec();
  }
}
