package dev.caravan.drivers;

import java.util.Map;

/**
 * What a driver needs to find a task again: the driver's name, the task's id and driver state
 * (a pid and start time, a container id, ...). Plain strings so the client can persist it as
 * JSON and hand it back after a restart.
 */
public record TaskHandle(String driver, String taskId, Map<String, String> state) {
  public TaskHandle {
    state = state == null ? Map.of() : Map.copyOf(state);
  }
}
