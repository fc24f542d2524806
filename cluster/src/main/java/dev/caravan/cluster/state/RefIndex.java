package dev.caravan.cluster.state;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import org.pcollections.TreePSet;

/**
 * A persistent secondary index of a {@link StateImage}: from a key of two parts (a namespace and
 * a job id, or a node id and {@code ""}) to the ids of the objects under it, sorted by id as the
 * primary map is. Immutable; {@link #plus} and {@link #minus} share structure with the receiver,
 * so an apply costs O(log n) here, and a lookup O(log n + result).
 */
final class RefIndex {
  static final RefIndex EMPTY = new RefIndex(TreePSet.empty());

  private final TreePSet<Ref> refs;

  private RefIndex(TreePSet<Ref> refs) {
    this.refs = refs;
  }

  /** One entry; the strings are the indexed object's own (no copies are made for the index). */
  record Ref(String group, String sub, String id) implements Comparable<Ref> {
    @Override
    public int compareTo(Ref o) {
      int c = group.compareTo(o.group);
      if (c != 0) {
        return c;
      }
      c = sub.compareTo(o.sub);
      return c != 0 ? c : id.compareTo(o.id);
    }
  }

  /** Builds an index at once (restore from a snapshot). */
  static RefIndex of(SortedSet<Ref> refs) {
    return new RefIndex(TreePSet.fromSortedSet(refs));
  }

  /**
   * The index after an object moved from {@code before} to {@code after} (either may be null:
   * added, removed, or not indexed).
   */
  RefIndex replace(Ref before, Ref after) {
    if (java.util.Objects.equals(before, after)) {
      return this;
    }
    TreePSet<Ref> next = refs;
    if (before != null) {
      next = next.minus(before);
    }
    if (after != null) {
      next = next.plus(after);
    }
    return new RefIndex(next);
  }

  /** The ids under {@code (group, sub)}, sorted. */
  List<String> ids(String group, String sub) {
    List<String> out = new ArrayList<>();
    for (Ref r : refs.tailSet(new Ref(group, sub, ""), true)) {
      if (!r.group.equals(group) || !r.sub.equals(sub)) {
        break;
      }
      out.add(r.id);
    }
    return out;
  }

  int size() {
    return refs.size();
  }
}
