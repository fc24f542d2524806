package dev.caravan.cluster.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.caravan.drivers.TaskHandle;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handles of the tasks this client runs, kept on disk so that a restarted client finds
 * its tasks again: {@code <dir>/<alloc_id>/<task>.json}, each written atomically (a temporary
 * file moved over the old one), so a crash leaves the old handle or the new one, never half.
 */
final class TaskHandleStore {
  private static final Logger LOG = LoggerFactory.getLogger(TaskHandleStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Built once, with its serializer resolved up front: resolving it on the first save would
   * hold up the first burst of task starts.
   */
  private static final ObjectWriter WRITER = JSON.writerFor(Persisted.class);
  private static final String SUFFIX = ".json";

  private final Path dir;

  /**
   * One running task as persisted: its driver handle and how to stop it, so that a client can
   * stop it even when the servers no longer know its allocation.
   */
  record Persisted(
      @JsonProperty("Handle") TaskHandle handle,
      @JsonProperty("KillTimeoutNanos") long killTimeoutNanos,
      @JsonProperty("KillSignal") String killSignal) {
    Duration killTimeout() {
      return Duration.ofNanos(killTimeoutNanos);
    }
  }

  TaskHandleStore(Path dir) {
    this.dir = dir;
  }

  void save(String allocId, String task, Persisted persisted) throws IOException {
    Path allocDir = Files.createDirectories(dir.resolve(allocId));
    Path target = allocDir.resolve(task + SUFFIX);
    Path tmp = Files.createTempFile(allocDir, task, ".tmp");
    try {
      Files.write(tmp, WRITER.writeValueAsBytes(persisted));
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  void remove(String allocId, String task) {
    try {
      Files.deleteIfExists(dir.resolve(allocId).resolve(task + SUFFIX));
      Files.deleteIfExists(dir.resolve(allocId));
    } catch (IOException e) {
      // A directory still holding another task's handle stays; a stale file is only read once.
    }
  }

  /** Every persisted task by allocation id, then task name; unreadable files are skipped. */
  Map<String, Map<String, Persisted>> load() {
    Map<String, Map<String, Persisted>> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> allocs = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path alloc : allocs) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(alloc, "*" + SUFFIX)) {
          for (Path file : tasks) {
            String name = file.getFileName().toString();
            try {
              Persisted p = JSON.readValue(file.toFile(), Persisted.class);
              out.computeIfAbsent(alloc.getFileName().toString(), k -> new TreeMap<>())
                  .put(name.substring(0, name.length() - SUFFIX.length()), p);
            } catch (IOException e) {
              LOG.warn("skipping unreadable task handle {}: {}", file, e.getMessage());
            }
          }
        }
      }
    } catch (IOException e) {
      LOG.warn("reading task handles in {}: {}", dir, e.getMessage());
    }
    return out;
  }
}
