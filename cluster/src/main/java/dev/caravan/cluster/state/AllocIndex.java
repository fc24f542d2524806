package dev.caravan.cluster.state;

import dev.caravan.cluster.structs.Allocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.pcollections.TreePMap;

/**
 * A persistent secondary index of allocations that holds the {@link Allocation} objects
 * themselves: from a group key (a node id, or a namespace and job id) to the group's
 * allocations sorted by id, as the primary map is. A read costs O(log n + result) with no
 * look-up in the primary map; an apply replaces the object under its group in O(log n).
 * Immutable; {@link #replace} shares structure with the receiver.
 */
final class AllocIndex {
  private final TreePMap<String, TreePMap<String, Allocation>> groups;
  private final Function<Allocation, String> key;

  private AllocIndex(TreePMap<String, TreePMap<String, Allocation>> groups,
      Function<Allocation, String> key) {
    this.groups = groups;
    this.key = key;
  }

  /** An empty index grouping by {@code key} (null: the allocation is not indexed). */
  static AllocIndex empty(Function<Allocation, String> key) {
    return new AllocIndex(TreePMap.empty(), key);
  }

  /** Builds the index at once (restore): grouped, then each tree built from a sorted map. */
  static AllocIndex of(Iterable<Allocation> allocs, Function<Allocation, String> key) {
    Map<String, TreeMap<String, Allocation>> grouped = new HashMap<>();
    for (Allocation a : allocs) {
      String k = key.apply(a);
      if (k != null) {
        grouped.computeIfAbsent(k, x -> new TreeMap<>()).put(a.id(), a);
      }
    }
    TreeMap<String, TreePMap<String, Allocation>> outer = new TreeMap<>();
    grouped.forEach((k, v) -> outer.put(k, TreePMap.fromSortedMap(v)));
    return new AllocIndex(TreePMap.fromSortedMap(outer), key);
  }

  /** The index after an allocation changed from {@code before} to {@code after} (either null). */
  AllocIndex replace(Allocation before, Allocation after) {
    if (before == after) {
      return this;
    }
    TreePMap<String, TreePMap<String, Allocation>> next = groups;
    String from = before == null ? null : key.apply(before);
    String to = after == null ? null : key.apply(after);
    if (from != null && !from.equals(to)) {
      TreePMap<String, Allocation> group = next.get(from);
      if (group != null) {
        group = group.minus(before.id());
        next = group.isEmpty() ? next.minus(from) : next.plus(from, group);
      }
    }
    if (to != null) {
      TreePMap<String, Allocation> group = next.get(to);
      next = next.plus(to, (group == null ? TreePMap.<String, Allocation>empty() : group)
          .plus(after.id(), after));
    }
    return next == groups ? this : new AllocIndex(next, key);
  }

  /** The allocations under {@code group}, sorted by id; a new list. */
  List<Allocation> get(String group) {
    TreePMap<String, Allocation> g = groups.get(group);
    return g == null ? new ArrayList<>() : new ArrayList<>(g.values());
  }

  /** The allocations under {@code group}, sorted by id; a view (do not keep across applies). */
  Iterable<Allocation> view(String group) {
    TreePMap<String, Allocation> g = groups.get(group);
    return g == null ? List.of() : g.values();
  }

  /**
   * The group's current tree, or null when empty: the same object in two indexes exactly when
   * the group did not change between them (change detection).
   */
  Object token(String group) {
    return groups.get(group);
  }

  /** The number of indexed allocations (tests). */
  int size() {
    int n = 0;
    for (TreePMap<String, Allocation> g : groups.values()) {
      n += g.size();
    }
    return n;
  }
}
