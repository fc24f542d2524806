package dev.caravan.drivers;

/**
 * A capability of drivers that can send a running task a signal without stopping it (a
 * template's {@code change_mode = "signal"}, say).
 */
public interface TaskSignaller {

  /**
   * Sends {@code signal} ({@code "SIGHUP"} or {@code "HUP"}, any case) to the task's main
   * process.
   *
   * @throws DriverException when the signal is unknown or cannot be delivered (task gone)
   */
  void signal(TaskHandle handle, String signal) throws DriverException;
}
