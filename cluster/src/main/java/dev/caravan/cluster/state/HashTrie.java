package dev.caravan.cluster.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A persistent hash map (a hash array mapped trie, 32 ways per level): a look-up reads about
 * {@code log32(n)} small arrays instead of the {@code log2(n)} nodes of a balanced tree, and
 * {@link #plus} / {@link #minus} copy only the arrays on the key's path. For indexes that
 * are only looked up by key, never iterated in order. Immutable; null keys and values are
 * not allowed.
 *
 * @param <K> the key
 * @param <V> the value
 */
final class HashTrie<K, V> {
  private static final int BITS = 5;
  private static final int MASK = (1 << BITS) - 1;
  /** Below this depth every hash bit is used: equal hashes share a collision bucket. */
  private static final int MAX_SHIFT = 30;

  private static final HashTrie<?, ?> EMPTY = new HashTrie<>(new Branch(0, new Object[0]), 0);

  /** A key with its value and the key's hash. */
  private record Leaf(Object key, int hash, Object value) {}

  /** Keys whose full hashes are equal. */
  private record Bucket(int hash, Leaf[] leaves) {}

  /** One level: which of the 32 slots are used, and their content (Leaf, Branch or Bucket). */
  private record Branch(int bitmap, Object[] slots) {}

  private final Branch root;
  private final int size;

  private HashTrie(Branch root, int size) {
    this.root = root;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  static <K, V> HashTrie<K, V> empty() {
    return (HashTrie<K, V>) EMPTY;
  }

  static <K, V> HashTrie<K, V> from(Map<K, V> map) {
    HashTrie<K, V> t = empty();
    for (Map.Entry<K, V> e : map.entrySet()) {
      t = t.plus(e.getKey(), e.getValue());
    }
    return t;
  }

  int size() {
    return size;
  }

  private static int hash(Object key) {
    int h = key.hashCode();
    return h ^ (h >>> 16);
  }

  /** The value under {@code key}, or null. */
  @SuppressWarnings("unchecked")
  V get(Object key) {
    int h = hash(key);
    Branch b = root;
    for (int shift = 0; ; shift += BITS) {
      int bit = 1 << ((h >>> shift) & MASK);
      if ((b.bitmap & bit) == 0) {
        return null;
      }
      Object o = b.slots[Integer.bitCount(b.bitmap & (bit - 1))];
      if (o instanceof Branch next) {
        b = next;
      } else if (o instanceof Leaf leaf) {
        return leaf.hash == h && leaf.key.equals(key) ? (V) leaf.value : null;
      } else {
        Bucket bucket = (Bucket) o;
        if (bucket.hash != h) {
          return null;
        }
        for (Leaf leaf : bucket.leaves) {
          if (leaf.key.equals(key)) {
            return (V) leaf.value;
          }
        }
        return null;
      }
    }
  }

  /** This map with {@code key} mapped to {@code value}. */
  HashTrie<K, V> plus(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    int[] added = new int[1];
    Branch r = plus(root, new Leaf(key, hash(key), value), 0, added);
    return r == root ? this : new HashTrie<>(r, size + added[0]);
  }

  private static Branch plus(Branch b, Leaf leaf, int shift, int[] added) {
    int bit = 1 << ((leaf.hash >>> shift) & MASK);
    int i = Integer.bitCount(b.bitmap & (bit - 1));
    if ((b.bitmap & bit) == 0) {
      Object[] slots = new Object[b.slots.length + 1];
      System.arraycopy(b.slots, 0, slots, 0, i);
      slots[i] = leaf;
      System.arraycopy(b.slots, i, slots, i + 1, b.slots.length - i);
      added[0] = 1;
      return new Branch(b.bitmap | bit, slots);
    }
    Object o = b.slots[i];
    Object replaced;
    if (o instanceof Branch next) {
      Branch n = plus(next, leaf, shift + BITS, added);
      if (n == next) {
        return b;
      }
      replaced = n;
    } else if (o instanceof Leaf old) {
      if (old.hash == leaf.hash && old.key.equals(leaf.key)) {
        if (old.value == leaf.value) {
          return b;
        }
        replaced = leaf;
      } else {
        added[0] = 1;
        replaced = pair(old, old.hash, leaf, shift + BITS);
      }
    } else if (((Bucket) o).hash != leaf.hash) {
      added[0] = 1;
      replaced = pair(o, ((Bucket) o).hash, leaf, shift + BITS);
    } else {
      Bucket bucket = (Bucket) o;
      Leaf[] leaves = bucket.leaves;
      int at = -1;
      for (int k = 0; k < leaves.length; k++) {
        if (leaves[k].key.equals(leaf.key)) {
          at = k;
        }
      }
      if (at >= 0) {
        if (leaves[at].value == leaf.value) {
          return b;
        }
        leaves = leaves.clone();
        leaves[at] = leaf;
      } else {
        leaves = Arrays.copyOf(leaves, leaves.length + 1);
        leaves[leaves.length - 1] = leaf;
        added[0] = 1;
      }
      replaced = new Bucket(bucket.hash, leaves);
    }
    Object[] slots = b.slots.clone();
    slots[i] = replaced;
    return new Branch(b.bitmap, slots);
  }

  /**
   * A leaf or bucket {@code a} (all of hash {@code ha}) beside a leaf of another key, from
   * {@code shift} on.
   */
  private static Object pair(Object a, int ha, Leaf b, int shift) {
    if (ha == b.hash) {
      return new Bucket(ha, new Leaf[] {(Leaf) a, b});
    }
    int ia = (ha >>> shift) & MASK;
    int ib = (b.hash >>> shift) & MASK;
    if (ia == ib) {
      return new Branch(1 << ia, new Object[] {pair(a, ha, b, shift + BITS)});
    }
    return new Branch((1 << ia) | (1 << ib), ia < ib ? new Object[] {a, b} : new Object[] {b, a});
  }

  /** This map without {@code key}. */
  HashTrie<K, V> minus(Object key) {
    Object r = minus(root, key, hash(key), 0);
    if (r == root) {
      return this;
    }
    return new HashTrie<>(r == null ? (Branch) EMPTY.root : (Branch) r, size - 1);
  }

  /**
   * The branch without the key: the same object when absent, null when it became empty, and
   * a lone leaf left below the root is pulled up (so equal maps have equal shapes).
   */
  private static Object minus(Branch b, Object key, int h, int shift) {
    int bit = 1 << ((h >>> shift) & MASK);
    if ((b.bitmap & bit) == 0) {
      return b;
    }
    int i = Integer.bitCount(b.bitmap & (bit - 1));
    Object o = b.slots[i];
    Object replaced;
    if (o instanceof Branch next) {
      Object n = minus(next, key, h, shift + BITS);
      if (n == next) {
        return b;
      }
      replaced = n;
    } else if (o instanceof Leaf leaf) {
      if (leaf.hash != h || !leaf.key.equals(key)) {
        return b;
      }
      replaced = null;
    } else {
      Bucket bucket = (Bucket) o;
      if (bucket.hash != h) {
        return b;
      }
      List<Leaf> rest = new ArrayList<>();
      for (Leaf leaf : bucket.leaves) {
        if (!leaf.key.equals(key)) {
          rest.add(leaf);
        }
      }
      if (rest.size() == bucket.leaves.length) {
        return b;
      }
      replaced = rest.size() == 1 ? rest.get(0) : new Bucket(h, rest.toArray(new Leaf[0]));
    }
    if (replaced == null) {
      if (b.slots.length == 1) {
        return null;
      }
      Object[] slots = new Object[b.slots.length - 1];
      System.arraycopy(b.slots, 0, slots, 0, i);
      System.arraycopy(b.slots, i + 1, slots, i, b.slots.length - i - 1);
      Branch smaller = new Branch(b.bitmap & ~bit, slots);
      return shift > 0 && slots.length == 1 && slots[0] instanceof Leaf ? slots[0] : smaller;
    }
    if (shift > 0 && b.slots.length == 1 && replaced instanceof Leaf) {
      return replaced;
    }
    Object[] slots = b.slots.clone();
    slots[i] = replaced;
    return new Branch(b.bitmap, slots);
  }

  /** Every value, in no particular order. */
  @SuppressWarnings("unchecked")
  List<V> values() {
    List<V> out = new ArrayList<>(size);
    collect(root, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <V> void collect(Object o, List<V> out) {
    if (o instanceof Branch b) {
      for (Object s : b.slots) {
        collect(s, out);
      }
    } else if (o instanceof Leaf leaf) {
      out.add((V) leaf.value);
    } else {
      for (Leaf leaf : ((Bucket) o).leaves) {
        out.add((V) leaf.value);
      }
    }
  }
}
