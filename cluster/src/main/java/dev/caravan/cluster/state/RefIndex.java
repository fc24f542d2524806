package dev.caravan.cluster.state;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
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

  /**
   * Builds an index at once (restore from a snapshot): sorted in place, then the tree is built
   * in one linear pass, with no intermediate sorted set of 100,000s of entries.
   */
  static RefIndex of(List<Ref> refs) {
    refs.sort(null);
    return new RefIndex(TreePSet.fromSortedSet(new SortedList<>(refs)));
  }

  /** A sorted list of distinct elements seen as a {@link SortedSet} (natural order). */
  private static final class SortedList<E extends Comparable<? super E>> extends AbstractSet<E>
      implements SortedSet<E> {
    private final List<E> list;

    SortedList(List<E> sortedDistinct) {
      this.list = sortedDistinct;
    }

    @Override
    public Iterator<E> iterator() {
      return Collections.unmodifiableList(list).iterator();
    }

    @Override
    public int size() {
      return list.size();
    }

    @Override
    public Comparator<? super E> comparator() {
      return null;
    }

    @Override
    public SortedSet<E> subSet(E from, E to) {
      return new SortedList<>(list.subList(position(from), position(to)));
    }

    @Override
    public SortedSet<E> headSet(E to) {
      return new SortedList<>(list.subList(0, position(to)));
    }

    @Override
    public SortedSet<E> tailSet(E from) {
      return new SortedList<>(list.subList(position(from), list.size()));
    }

    @Override
    public E first() {
      if (list.isEmpty()) {
        throw new NoSuchElementException();
      }
      return list.get(0);
    }

    @Override
    public E last() {
      if (list.isEmpty()) {
        throw new NoSuchElementException();
      }
      return list.get(list.size() - 1);
    }

    /** The index of the first element not less than {@code e}. */
    private int position(E e) {
      int i = Collections.binarySearch(list, e);
      return i >= 0 ? i : -i - 1;
    }
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
