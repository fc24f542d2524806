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
 * What the drivers that run a task as an operating-system process ({@code raw_exec},
 * {@code exec}) share: config keys {@code command} (required) and {@code args}, command lookup,
 * the environment, and waiting for, stopping and recovering {@link TaskProcess}es. A subclass
 * says whether it may run here and how the resolved command line is launched.
 */
abstract class ProcessDriver implements TaskDriver, TaskSignaller {
  private final ConfigSchema schema;
  private final Map<String, TaskProcess> tasks = new ConcurrentHashMap<>();

  ProcessDriver(String name) {
    this(
        new ConfigSchema(
            name,
            Map.of("command", ConfigSchema.Kind.STRING, "args", ConfigSchema.Kind.STRING_LIST),
            Set.of("command")));
  }

  /** A process driver whose config keys are {@code schema}'s, not command and args. */
  ProcessDriver(ConfigSchema schema) {
    this.schema = schema;
  }

  /**
   * The command line the task's config names, its executable resolved: {@code command} and
   * {@code args} unless a subclass reads other keys.
   *
   * @throws DriverException when the executable (or what it needs) is not there
   */
  List<String> commandLine(TaskConfig config, Map<String, String> env) throws DriverException {
    List<String> commandLine = new ArrayList<>();
    String command = (String) config.config().get("command");
    commandLine.add(resolveCommand(command, env.get("PATH"), config.taskDir()).toString());
    if (config.config().get("args") instanceof List<?> args) {
      args.forEach(a -> commandLine.add((String) a));
    }
    return commandLine;
  }

  /**
   * The command line to run, from the resolved executable and its args: what wraps them
   * ({@code setsid}, a user switch) is the subclass's choice.
   *
   * @throws DriverException when the task cannot run here (disabled, unknown user)
   */
  abstract List<String> launch(TaskConfig config, List<String> commandLine)
      throws DriverException;

  @Override
  public List<String> validateConfig(Map<String, Object> config) {
    return schema.check(config);
  }

  @Override
  public TaskHandle start(TaskConfig config) throws DriverException {
    List<String> errors = validateConfig(config.config());
    if (!errors.isEmpty()) {
      throw new DriverException(String.join("; ", errors));
    }
    Map<String, String> env = environment(config);
    List<String> commandLine = commandLine(config, env);

    TaskProcess process = TaskProcess.start(launch(config, commandLine), env, config);
    tasks.put(config.id(), process);
    return new TaskHandle(name(), config.id(), process.state());
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
  public void signal(TaskHandle handle, String signal) throws DriverException {
    process(handle).signal(Signal.parse(signal));
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
