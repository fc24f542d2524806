package dev.caravan.cluster.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.caravan.cluster.structs.PeriodicLaunch;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The periodic and dispatch part of a {@link StateImage}: launch records per periodic job and
 * the idempotency tokens of dispatched children. Immutable; apply copies what it changes.
 */
final class PeriodicState {
  static final PeriodicState EMPTY = new PeriodicState(new TreeMap<>(), new TreeMap<>());

  /** Key {@link StateImage#jobKey}. */
  final TreeMap<String, PeriodicLaunch> launches;
  /** Key {@link StateImage#jobKey} of the parent + {@code '\0'} + token; value the child id. */
  final TreeMap<String, String> dispatchTokens;

  PeriodicState(TreeMap<String, PeriodicLaunch> launches, TreeMap<String, String> dispatchTokens) {
    this.launches = launches;
    this.dispatchTokens = dispatchTokens;
  }

  static String tokenKey(String namespace, String parentId, String token) {
    return StateImage.jobKey(namespace, parentId) + '\0' + token;
  }

  PeriodicState withLaunch(PeriodicLaunch launch) {
    TreeMap<String, PeriodicLaunch> copy = new TreeMap<>(launches);
    copy.put(StateImage.jobKey(launch.namespace(), launch.id()), launch);
    return new PeriodicState(copy, dispatchTokens);
  }

  PeriodicState withToken(String namespace, String parentId, String token, String childId) {
    TreeMap<String, String> copy = new TreeMap<>(dispatchTokens);
    copy.put(tokenKey(namespace, parentId, token), childId);
    return new PeriodicState(launches, copy);
  }

  /** Drops what belongs to a purged job. */
  PeriodicState withoutJob(String namespace, String jobId) {
    String key = StateImage.jobKey(namespace, jobId);
    if (!launches.containsKey(key) && dispatchTokens.subMap(key + '\0', key + '\1').isEmpty()) {
      return this;
    }
    TreeMap<String, PeriodicLaunch> l = new TreeMap<>(launches);
    l.remove(key);
    TreeMap<String, String> t = new TreeMap<>(dispatchTokens);
    t.subMap(key + '\0', key + '\1').clear();
    return new PeriodicState(l, t);
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
    return new PeriodicState(l, t);
  }

  record DispatchToken(
      @JsonProperty("Namespace") String namespace,
      @JsonProperty("ParentID") String parentId,
      @JsonProperty("Token") String token,
      @JsonProperty("ChildID") String childId) {}
}
