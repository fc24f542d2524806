package dev.caravan.cluster.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StructsTest {
  @Test
  void copiesDoNotFollowChangesToTheirSource() {
    List<String> list = new ArrayList<>(List.of("a", "b"));
    Map<String, String> map = new LinkedHashMap<>(Map.of("k", "v"));
    List<String> listCopy = Structs.copy(list);
    Map<String, String> mapCopy = Structs.copy(map);
    list.add("c");
    map.put("k2", "v2");
    assertEquals(List.of("a", "b"), listCopy);
    assertEquals(Map.of("k", "v"), mapCopy);
  }

  @Test
  void copiesCannotBeChanged() {
    assertThrows(UnsupportedOperationException.class,
        () -> Structs.copy(new ArrayList<>(List.of("a"))).add("b"));
    assertThrows(UnsupportedOperationException.class,
        () -> Structs.copy(new LinkedHashMap<>(Map.of("k", "v"))).put("x", "y"));
    Map<String, String> copy = Structs.copy(new LinkedHashMap<>(Map.of("k", "v")));
    assertThrows(UnsupportedOperationException.class, () -> copy.entrySet().clear());
  }

  @Test
  void aCopyOfACopyIsTheSameInstance() {
    List<String> list = Structs.copy(new ArrayList<>(List.of("a")));
    Map<String, String> map = Structs.copy(new LinkedHashMap<>(Map.of("k", "v")));
    assertSame(list, Structs.copy(list));
    assertSame(map, Structs.copy(map));
  }

  @Test
  void mapsKeepTheirInsertionOrder() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String k : List.of("z", "a", "m", "b")) {
      m.put(k, k.length());
    }
    assertEquals(List.of("z", "a", "m", "b"), List.copyOf(Structs.copy(m).keySet()));
  }

  @Test
  void nullsAreEmptyAndNullElementsAreKept() {
    assertEquals(List.of(), Structs.copy((List<String>) null));
    assertEquals(Map.of(), Structs.copy((Map<String, String>) null));
    assertEquals(Arrays.asList("a", null), Structs.copy(Arrays.asList("a", null)));
  }

  @Test
  void jobsRebuiltFromThemselvesShareTheirCollections() {
    Job job = Job.builder().id("web").datacenters(List.of("dc1"))
        .meta(new LinkedHashMap<>(Map.of("owner", "ops"))).build();
    Job again = job.toBuilder().version(2).build();
    assertSame(job.datacenters(), again.datacenters());
    assertSame(job.meta(), again.meta());
  }
}
