package dev.caravan.cluster.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.caravan.cluster.structs.PeriodicLaunch;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.pcollections.TreePMap;

/**
 * The periodic and dispatch part of a {@link StateImage}: launch records per periodic job and
 * the idempotency tokens of dispatched children. Immutable (persistent maps).
 */
final class PeriodicState {
  static final PeriodicState EMPTY = new PeriodicState(TreePMap.empty(), TreePMap.empty());

  /** Key {@link StateImage#jobKey}. */
  final TreePMap<String, PeriodicLaunch> launches;
  /** Key {@link StateImage#jobKey} of the parent + {@code '\0'} + token; value the child id. */
  final TreePMap<String, String> dispatchTokens;

  PeriodicState(TreePMap<String, PeriodicLaunch> launches,
      TreePMap<String, String> dispatchTokens) {
    this.launches = launches;
    this.dispatchTokens = dispatchTokens;
  }

  static String tokenKey(String namespace, String parentId, String token) {
    return StateImage.jobKey(namespace, parentId) + '\0' + token;
  }

  PeriodicState withLaunch(String key, PeriodicLaunch launch) {
    return new PeriodicState(launches.plus(key, launch), dispatchTokens);
  }

  PeriodicState withToken(String tokenKey, String childId) {
    return new PeriodicState(launches, dispatchTokens.plus(tokenKey, childId));
  }

  /** Drops what belongs to a purged job. */
  PeriodicState withoutJob(String namespace, String jobId) {
    String key = StateImage.jobKey(namespace, jobId);
    TreePMap<String, String> tokens = dispatchTokens.subMap(key + '\0', key + '\1');
    if (!launches.containsKey(key) && tokens.isEmpty()) {
      return this;
    }
    return new PeriodicState(launches.minus(key), dispatchTokens.minusAll(tokens.keySet()));
  }

  // ---- snapshots ----

  List<DispatchToken> tokenList() {
    List<DispatchToken> out = new ArrayList<>();
    dispatchTokens.forEach((k, child) -> {
      String[] parts = k.split("\0", 3);
      out.add(new DispatchToken(parts[0], parts[1], parts[2], child));
    });
    return out;
  }

  static PeriodicState of(List<PeriodicLaunch> launches, List<DispatchToken> tokens) {
    TreeMap<String, PeriodicLaunch> l = new TreeMap<>();
    launches.forEach(p -> l.put(StateImage.jobKey(p.namespace(), p.id()), p));
    TreeMap<String, String> t = new TreeMap<>();
    tokens.forEach(d -> t.put(tokenKey(d.namespace(), d.parentId(), d.token()), d.childId()));
    return new PeriodicState(TreePMap.fromSortedMap(l), TreePMap.fromSortedMap(t));
  }

  record DispatchToken(
      @JsonProperty("Namespace") String namespace,
      @JsonProperty("ParentID") String parentId,
      @JsonProperty("Token") String token,
      @JsonProperty("ChildID") String childId) {}
}
