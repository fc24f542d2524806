package dev.caravan.drivers;

/**
 * How a task ended: its exit code, the signal that killed it (0 if none), whether the kernel
 * killed it for memory, and a driver error when the driver itself failed (else null).
 */
public record ExitResult(int exitCode, int signal, boolean oomKilled, String error) {
  /**
   * The exit code reported when the driver cannot know it: a process recovered after a client
   * restart is no child of this client any more, so only its end can be observed.
   */
  public static final int UNKNOWN_EXIT_CODE = -1;

  public boolean successful() {
    return exitCode == 0 && signal == 0 && !oomKilled && error == null;
  }
}
