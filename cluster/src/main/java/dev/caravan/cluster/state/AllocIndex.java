package dev.caravan.cluster.state;

import dev.caravan.cluster.server.ClusterState;
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
  /**
   * Groups by key, hashed: only looked up, never iterated in order, and a look-up reads a few
   * small arrays instead of comparing strings at every level of a tree (the scheduler reads a
   * node's group for every node it scores).
   */
  private final HashTrie<String, Group> groups;
  private final Function<Allocation, String> key;

  /**
   * One group's allocations, with a memo of one function of them: immutable content, so the
   * memo holds for as long as the group is shared between images (until one of its
   * allocations changes), and a race only computes it twice.
   */
  private static final class Group {
    final TreePMap<String, Allocation> allocs;
    private volatile Memo memo;

    Group(TreePMap<String, Allocation> allocs) {
      this.allocs = allocs;
    }

    /**
     * The group with {@code allocs} after {@code before} (null: none) became {@code after}
     * (null: it left): the memo is carried over when its function is a
     * {@link ClusterState.NodeSummary} and {@code before} is the object this group holds.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Group next(TreePMap<String, Allocation> allocs, Allocation before, Allocation after) {
      Group g = new Group(allocs);
      Memo m = memo;
      if (m != null && m.f instanceof ClusterState.NodeSummary summary
          && (before == null ? after == null || this.allocs.get(after.id()) == null
              : this.allocs.get(before.id()) == before)) {
        Object value = summary.update(m.value, before, after);
        if (value != null) {
          g.memo = new Memo(m.f, value);
        }
      }
      return g;
    }

    @SuppressWarnings("unchecked")
    <T> T memo(Function<List<Allocation>, T> f) {
      Memo m = memo;
      if (m != null && m.f == f) {
        return (T) m.value;
      }
      T value = f.apply(List.copyOf(allocs.values()));
      memo = new Memo(f, value);
      return value;
    }
  }

  private record Memo(Object f, Object value) {}

  private AllocIndex(HashTrie<String, Group> groups,
      Function<Allocation, String> key) {
    this.groups = groups;
    this.key = key;
  }

  /** An empty index grouping by {@code key} (null: the allocation is not indexed). */
  static AllocIndex empty(Function<Allocation, String> key) {
    return new AllocIndex(HashTrie.empty(), key);
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
    Map<String, Group> outer = new HashMap<>();
    grouped.forEach((k, v) -> outer.put(k, new Group(TreePMap.fromSortedMap(v))));
    return new AllocIndex(HashTrie.from(outer), key);
  }

  /** The index after an allocation changed from {@code before} to {@code after} (either null). */
  AllocIndex replace(Allocation before, Allocation after) {
    if (before == after) {
      return this;
    }
    HashTrie<String, Group> next = groups;
    String from = before == null ? null : key.apply(before);
    String to = after == null ? null : key.apply(after);
    if (from != null && !from.equals(to)) {
      Group group = next.get(from);
      if (group != null) {
        TreePMap<String, Allocation> rest = group.allocs.minus(before.id());
        next = rest.isEmpty() ? next.minus(from) : next.plus(from, group.next(rest, before, null));
      }
    }
    if (to != null) {
      Group group = next.get(to);
      next = next.plus(to, group == null
          ? new Group(TreePMap.<String, Allocation>empty().plus(after.id(), after))
          : group.next(group.allocs.plus(after.id(), after), to.equals(from) ? before : null,
              after));
    }
    return next == groups ? this : new AllocIndex(next, key);
  }

  /** The allocations under {@code group}, sorted by id; a new list. */
  List<Allocation> get(String group) {
    Group g = groups.get(group);
    return g == null ? new ArrayList<>() : new ArrayList<>(g.allocs.values());
  }

  /**
   * {@code f} of the allocations under {@code group} (sorted by id), memoized with the group:
   * computed again only after one of them changed. {@code f} must be a pure function and the
   * same instance at every call (a constant); one memo is kept per group.
   */
  <T> T memo(String group, Function<List<Allocation>, T> f) {
    Group g = groups.get(group);
    return g == null ? f.apply(List.of()) : g.memo(f);
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
    for (Group g : groups.values()) {
      n += g.allocs.size();
    }
    return n;
  }
}
