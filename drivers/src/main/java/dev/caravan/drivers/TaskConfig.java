package dev.caravan.drivers;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a driver needs to start one task, with interpolation already done by the client.
 *
 * @param id unique id of this task instance: {@code <allocId>/<taskName>}
 * @param allocId the allocation's id
 * @param jobId the job's id
 * @param groupName the task group's name
 * @param taskName the task's name
 * @param config the driver-specific config block, interpolated
 * @param env the full environment, interpolated (NOMAD_* and CARAVAN_* included)
 * @param user the user to run as, or null for the driver's default
 * @param resources cpu and memory the scheduler set aside
 * @param allocDir the allocation directory ({@code alloc/} is shared by its tasks)
 * @param taskDir the task's directory ({@code local/}, {@code secrets/} inside)
 * @param logs where stdout and stderr go
 */
public record TaskConfig(
    String id,
    String allocId,
    String jobId,
    String groupName,
    String taskName,
    Map<String, Object> config,
    Map<String, String> env,
    String user,
    TaskResources resources,
    Path allocDir,
    Path taskDir,
    LogSettings logs) {

  public TaskConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(taskName, "taskName");
    config = config == null ? Map.of() : config;
    env = env == null ? Map.of() : Map.copyOf(env);
    resources = resources == null ? new TaskResources(100, 300, 0) : resources;
  }

  /** CPU in MHz and memory in MiB ({@code memoryMaxMb} 0 when no oversubscription). */
  public record TaskResources(int cpuMhz, int memoryMb, int memoryMaxMb) {}

  /**
   * Rotated log files: {@code <dir>/<task>.stdout.<n>} and {@code .stderr.<n>}, as Nomad names
   * them, at most {@code maxFiles} of {@code maxFileSizeBytes} each per stream.
   */
  public record LogSettings(Path dir, int maxFiles, long maxFileSizeBytes) {}
}
