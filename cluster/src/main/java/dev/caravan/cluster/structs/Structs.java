package dev.caravan.cluster.structs;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Defensive copies for record components: null becomes empty, order is kept. A copy of a copy
 * is the copy itself, and empty ones are shared: records are rebuilt often ({@code
 * toBuilder().x(..).build()} on every apply), and the state holds tens of thousands of jobs whose
 * lists and maps are mostly empty.
 */
final class Structs {
  private Structs() {}

  static <T> List<T> copy(List<T> list) {
    if (list == null || list.isEmpty()) {
      return List.of();
    }
    for (T t : list) {
      if (t == null) { // List.copyOf refuses nulls; JSON may carry them
        return Collections.unmodifiableList(new java.util.ArrayList<>(list));
      }
    }
    return List.copyOf(list); // the list itself when it already is an immutable one
  }

  static <K, V> Map<K, V> copy(Map<K, V> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    if (map instanceof Frozen<K, V> frozen) {
      return frozen;
    }
    return new Frozen<>(new LinkedHashMap<>(map));
  }

  /** An insertion-ordered map nobody else holds a reference to: never changes. */
  private static final class Frozen<K, V> extends AbstractMap<K, V> {
    private final Map<K, V> map;

    Frozen(LinkedHashMap<K, V> owned) {
      this.map = Collections.unmodifiableMap(owned);
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
      return map.entrySet();
    }

    @Override
    public V get(Object key) {
      return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return map.containsKey(key);
    }

    @Override
    public int size() {
      return map.size();
    }
  }
}
