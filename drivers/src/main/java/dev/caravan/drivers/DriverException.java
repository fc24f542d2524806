package dev.caravan.drivers;

/**
 * A driver could not do what it was asked; the message is shown to users as the task's
 * event ("image busybox:none not found", "command not found: foo"), so it names the input.
 */
public class DriverException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean recoverable;

  public DriverException(String message) {
    this(message, false, null);
  }

  public DriverException(String message, boolean recoverable, Throwable cause) {
    super(message, cause);
    this.recoverable = recoverable;
  }

  /** True when retrying may help (a registry not answering); false for bad input. */
  public boolean recoverable() {
    return recoverable;
  }
}
