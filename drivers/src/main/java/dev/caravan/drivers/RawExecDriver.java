package dev.caravan.drivers;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code raw_exec} driver: runs a command as a plain process of the client's user, with no
 * isolation, so it is off unless the client enables it ({@link DriverOptions#rawExecEnabled}).
 * Config keys: {@code command} (required) and {@code args} (a list of strings). The process
 * runs in the task's directory with exactly the task's environment, plus the agent's
 * {@code PATH} when the task sets none. The task's {@code user} is ignored.
 *
 * <p>See {@link TaskProcess} for how exits are reported, also after a client restart.
 */
final class RawExecDriver implements TaskDriver {
  static final String NAME = "raw_exec";
  static final String DISABLED =
      "raw_exec is disabled (client config plugin \"raw_exec\" enabled = true)";

  private static final ConfigSchema SCHEMA =
      new ConfigSchema(
          NAME,
          Map.of("command", ConfigSchema.Kind.STRING, "args", ConfigSchema.Kind.STRING_LIST),
          Set.of("command"));

  private final boolean enabled;
  private final Map<String, TaskProcess> tasks = new ConcurrentHashMap<>();

  RawExecDriver(DriverOptions options) {
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
  public List<String> validateConfig(Map<String, Object> config) {
    return SCHEMA.check(config);
  }

  @Override
  public TaskHandle start(TaskConfig config) throws DriverException {
    if (!enabled) {
      throw new DriverException(DISABLED);
    }
    List<String> errors = validateConfig(config.config());
    if (!errors.isEmpty()) {
      throw new DriverException(String.join("; ", errors));
    }
    Map<String, String> env = environment(config);
    List<String> command = new ArrayList<>();
    String name = (String) config.config().get("command");
    command.add(resolveCommand(name, env.get("PATH"), config.taskDir()).toString());
    if (config.config().get("args") instanceof List<?> args) {
      args.forEach(a -> command.add((String) a));
    }

    TaskProcess process = TaskProcess.start(command, env, config);
    tasks.put(config.id(), process);
    return new TaskHandle(NAME, config.id(), process.state());
  }

  @Override
  public CompletableFuture<ExitResult> waitTask(TaskHandle handle) {
    try {
      return process(handle).exit();
    } catch (DriverException e) {
      return CompletableFuture.completedFuture(
          new ExitResult(ExitResult.UNKNOWN_EXIT_CODE, 0, false, e.getMessage()));
    }
  }

  @Override
  public void stop(TaskHandle handle, Duration killTimeout, String signal) throws DriverException {
    Signal sig = Signal.parse(signal);
    TaskProcess process;
    try {
      process = process(handle);
    } catch (DriverException gone) {
      return;
    }
    process.stop(killTimeout, sig);
  }

  @Override
  public void destroy(TaskHandle handle) {
    TaskProcess process = tasks.remove(handle.taskId());
    try {
      if (process == null) {
        process = TaskProcess.recover(handle.taskId(), handle.state());
      }
      process.kill();
    } catch (DriverException gone) {
      // Nothing left to free: the process already ended.
    }
  }

  @Override
  public TaskHandle recover(TaskHandle handle) throws DriverException {
    TaskProcess process = TaskProcess.recover(handle.taskId(), handle.state());
    tasks.putIfAbsent(handle.taskId(), process);
    return handle;
  }

  /** The task's environment, plus the agent's PATH when the task sets none. */
  static Map<String, String> environment(TaskConfig config) {
    Map<String, String> env = new HashMap<>(config.env());
    String agentPath = System.getenv("PATH");
    if (!env.containsKey("PATH") && agentPath != null) {
      env.put("PATH", agentPath);
    }
    return env;
  }

  /**
   * The executable {@code command} names: a path (relative ones against the task directory),
   * else the first match on {@code path}, then in the task directory and its {@code local/}.
   *
   * @throws DriverException "command not found: X" when there is none
   */
  static Path resolveCommand(String command, String path, Path taskDir) throws DriverException {
    Path base = taskDir == null ? Path.of("") : taskDir;
    List<Path> candidates = new ArrayList<>();
    if (command.contains("/")) {
      candidates.add(base.resolve(command));
    } else {
      for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          candidates.add(base.resolve(dir).resolve(command));
        }
      }
      candidates.add(base.resolve(command));
      candidates.add(base.resolve("local").resolve(command));
    }
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new DriverException("command not found: " + command);
  }

  private TaskProcess process(TaskHandle handle) throws DriverException {
    TaskProcess known = tasks.get(handle.taskId());
    if (known != null) {
      return known;
    }
    TaskProcess recovered = TaskProcess.recover(handle.taskId(), handle.state());
    TaskProcess raced = tasks.putIfAbsent(handle.taskId(), recovered);
    return raced == null ? recovered : raced;
  }
}
