package dev.caravan.drivers;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A task driver: runs one task of an allocation on this machine.
 *
 * <p>Drivers are stateless between calls: everything needed to find a running task again is
 * in its {@link TaskHandle}, which the client persists and hands back to {@link #recover} after
 * a restart. Optional capabilities (stats, signals, exec) are separate interfaces a driver may
 * also implement.
 */
public interface TaskDriver {

  /** The driver's name as a job's {@code driver} attribute names it: docker, exec, raw_exec, ... */
  String name();

  /** What the driver finds on this machine; called at start and periodically. Never throws. */
  Fingerprint fingerprint();

  /**
   * Checks a task's free-form {@code config} block before anything starts: unknown keys and
   * wrong types are errors naming the key. Returns the errors, empty when the config is valid.
   */
  List<String> validateConfig(Map<String, Object> config);

  /**
   * Starts the task and returns at once with its handle; the task's stdout and stderr go to
   * the rotated log files named by {@link TaskConfig#logs()}.
   *
   * @throws DriverException when the task cannot start (image missing, command not found, ...)
   */
  TaskHandle start(TaskConfig config) throws DriverException;

  /** Completes when the task exits, with how it exited. */
  CompletableFuture<ExitResult> waitTask(TaskHandle handle);

  /**
   * Stops the task: {@code signal} (SIGTERM when null or empty) first, then a kill after
   * {@code killTimeout}. Returns when the task is gone. Stopping a gone task is no error.
   */
  void stop(TaskHandle handle, Duration killTimeout, String signal) throws DriverException;

  /** Frees what the task left behind (container, cgroup). Idempotent. */
  void destroy(TaskHandle handle);

  /**
   * Finds a task started by an earlier process of this client again, from its persisted handle.
   *
   * @throws DriverException when the task no longer runs (the handle says what to look for)
   */
  TaskHandle recover(TaskHandle handle) throws DriverException;
}
