package dev.caravan.drivers;

import java.nio.file.Path;
import java.util.Map;

/** Fixture factory for the task configs driver tests start. */
final class Tasks {
  private Tasks() {}

  static TaskConfig task(String name, Map<String, Object> config, Path dir) {
    return new TaskConfig(
        "alloc-1/" + name,
        "alloc-1",
        "job-1",
        "group",
        name,
        config,
        Map.of(),
        null,
        null,
        dir,
        dir,
        new TaskConfig.LogSettings(dir.resolve("logs"), 3, 1024 * 1024));
  }
}
