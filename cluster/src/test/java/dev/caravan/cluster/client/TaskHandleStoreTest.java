package dev.caravan.cluster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.drivers.TaskHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskHandleStoreTest {
  @TempDir Path dir;

  @Test
  void keepsHandlesByAllocationAndTaskAcrossInstances() throws Exception {
    TaskHandleStore.Persisted web = persisted("a1/web", Map.of("pid", "42", "start_time", "t"));
    TaskHandleStore.Persisted db = persisted("a2/db", Map.of("container_id", "c0ffee"));
    TaskHandleStore store = new TaskHandleStore(dir);

    store.save("a1", "web", web);
    store.save("a2", "db", db);

    assertEquals(Map.of("a1", Map.of("web", web), "a2", Map.of("db", db)),
        new TaskHandleStore(dir).load());
    assertEquals(Duration.ofSeconds(5), web.killTimeout());
  }

  @Test
  void aSavedHandleReplacesTheOldOneAndLeavesNoTemporaryFile() throws Exception {
    TaskHandleStore store = new TaskHandleStore(dir);
    store.save("a1", "web", persisted("a1/web", Map.of("pid", "1")));

    store.save("a1", "web", persisted("a1/web", Map.of("pid", "2")));

    assertEquals("2", store.load().get("a1").get("web").handle().state().get("pid"));
    try (var files = Files.list(dir.resolve("a1"))) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void removingTheLastTaskOfAnAllocationRemovesItsDirectory() throws Exception {
    TaskHandleStore store = new TaskHandleStore(dir);
    store.save("a1", "web", persisted("a1/web", Map.of()));

    store.remove("a1", "web");

    assertTrue(store.load().isEmpty());
    assertFalse(Files.exists(dir.resolve("a1")));
  }

  @Test
  void skipsAnUnreadableHandle() throws Exception {
    TaskHandleStore store = new TaskHandleStore(dir);
    store.save("a1", "web", persisted("a1/web", Map.of()));
    Files.writeString(dir.resolve("a1/db.json"), "{not json");

    assertEquals(Map.of("web", persisted("a1/web", Map.of())), store.load().get("a1"));
  }

  private static TaskHandleStore.Persisted persisted(String taskId, Map<String, String> state) {
    return new TaskHandleStore.Persisted(new TaskHandle("raw_exec", taskId, state),
        Duration.ofSeconds(5).toNanos(), "SIGINT");
  }
}
