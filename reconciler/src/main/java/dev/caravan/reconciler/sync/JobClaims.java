package dev.caravan.reconciler.sync;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which source declares which job ({@code namespace/id}), shared by every source of an agent:
 * a job declared by two sources is an Error on both, never a tug of war.
 */
public final class JobClaims {
  private final Map<String, Set<String>> bySource = new ConcurrentHashMap<>();

  /** Replaces what {@code source} declares. */
  public void publish(String source, Set<String> jobKeys) {
    bySource.put(source, Set.copyOf(jobKeys));
  }

  public void remove(String source) {
    bySource.remove(source);
  }

  /** For each of {@code jobKeys} that another source declares: that source (the first by name). */
  public Map<String, String> claimedElsewhere(String source, Set<String> jobKeys) {
    Map<String, String> out = new TreeMap<>();
    new TreeMap<>(bySource).forEach((other, keys) -> {
      if (!other.equals(source)) {
        for (String k : jobKeys) {
          if (keys.contains(k)) {
            out.putIfAbsent(k, other);
          }
        }
      }
    });
    return out;
  }

  static String key(String namespace, String id) {
    return (namespace == null ? "default" : namespace) + "/" + id;
  }
}
