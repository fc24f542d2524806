package dev.caravan.cluster.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random puts and removes: the trie answers every look-up, its size and its values as
 * a {@link HashMap} given the same operations does, older versions keep their answers, and
 * keys whose hashes collide in part or in full are told apart.
 */
class HashTrieTest {
  /** A key with a chosen hash: few distinct hashes force shared prefixes and full collisions. */
  private record Key(int id, int hash) {
    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.id == id;
    }
  }

  private static Key key(SplittableRandom r, int hashes) {
    int id = r.nextInt(400);
    if (hashes == 0) {
      return new Key(id, id * 0x9E3779B9);
    }
    return new Key(id, Integer.reverse(id % hashes) ^ (id % hashes)); // high and low bits
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3, 17, 64, 1000})
  void answersAsAHashMapGivenTheSameOperations(int hashes) {
    SplittableRandom r = new SplittableRandom(hashes);
    HashTrie<Key, String> trie = HashTrie.empty();
    Map<Key, String> map = new HashMap<>();
    List<HashTrie<Key, String>> versions = new ArrayList<>();
    List<Map<Key, String>> copies = new ArrayList<>();
    for (int step = 0; step < 3000; step++) {
      Key k = key(r, hashes == 0 ? 0 : Math.max(1, hashes));
      if (r.nextInt(3) == 0) {
        trie = trie.minus(k);
        map.remove(k);
      } else {
        String v = "v" + r.nextInt(5);
        trie = trie.plus(k, v);
        map.put(k, v);
      }
      if (step % 300 == 0) {
        versions.add(trie);
        copies.add(new HashMap<>(map));
      }

      assertEquals(map.size(), trie.size(), "size at step " + step);
      assertEquals(map.get(k), trie.get(k), "key " + k + " at step " + step);
    }
    for (int id = 0; id < 400; id++) {
      for (Key k : List.of(new Key(id, Integer.reverse(id % Math.max(1, hashes))
          ^ (id % Math.max(1, hashes))), new Key(id, id * 0x9E3779B9))) {
        if (map.containsKey(k)) {
          assertEquals(map.get(k), trie.get(k));
        }
      }
    }
    assertEquals(sorted(new ArrayList<>(map.values())), sorted(trie.values()));
    for (int i = 0; i < versions.size(); i++) {
      HashTrie<Key, String> old = versions.get(i);
      copies.get(i).forEach((k, v) -> assertEquals(v, old.get(k)));
      assertEquals(copies.get(i).size(), old.size());
    }
    for (Key k : new ArrayList<>(map.keySet())) {
      trie = trie.minus(k);
    }
    assertEquals(0, trie.size());
    assertEquals(List.of(), trie.values());
  }

  @ParameterizedTest
  @ValueSource(strings = {"n1", "node-00042"})
  void putsOfTheSameValueAndRemovesOfAbsentKeysReturnTheSameMap(String key) {
    HashTrie<String, String> t = HashTrie.<String, String>empty().plus(key, "v");

    assertSame(t, t.plus(key, t.get(key)));
    assertSame(t, t.minus("absent"));
    assertNull(t.get("absent"));
    assertEquals("v", t.get(key));
    assertEquals(Map.of(key, "w"), Map.of(key, t.plus(key, "w").get(key)));
  }

  private static List<String> sorted(List<String> values) {
    List<String> out = new ArrayList<>(values);
    out.sort(null);
    return out;
  }
}
