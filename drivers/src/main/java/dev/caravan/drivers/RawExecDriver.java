package dev.caravan.drivers;

import java.util.List;
import java.util.Map;

/**
 * The {@code raw_exec} driver: runs a command as a plain process of the client's user, with no
 * isolation, so it is off unless the client enables it ({@link DriverOptions#rawExecEnabled}).
 * Config keys: {@code command} (required) and {@code args} (a list of strings). The process
 * runs in the task's directory with exactly the task's environment, plus the agent's
 * {@code PATH} when the task sets none. The task's {@code user} is ignored.
 *
 * <p>See {@link TaskProcess} for how exits are reported, also after a client restart.
 */
final class RawExecDriver extends ProcessDriver {
  static final String NAME = "raw_exec";
  static final String DISABLED =
      "raw_exec is disabled (client config plugin \"raw_exec\" enabled = true)";

  private final boolean enabled;

  RawExecDriver(DriverOptions options) {
    super(NAME);
    this.enabled = options.rawExecEnabled();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Fingerprint fingerprint() {
    return enabled
        ? new Fingerprint(true, true, "healthy", Map.of())
        : Fingerprint.undetected(DISABLED);
  }

  @Override
  public TaskHandle start(TaskConfig config) throws DriverException {
    if (!enabled) {
      throw new DriverException(DISABLED);
    }
    return super.start(config);
  }

  @Override
  List<String> launch(TaskConfig config, List<String> commandLine) {
    return commandLine;
  }
}
