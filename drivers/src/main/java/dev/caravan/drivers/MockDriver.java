package dev.caravan.drivers;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code mock} driver: runs no process, only pretends, for tests of the client and of whole
 * clusters. Config keys:
 *
 * <ul>
 *   <li>{@code run_for}: how long the task runs (a Go duration); absent = until stopped
 *   <li>{@code exit_code}: the code it exits with after {@code run_for} (default 0)
 *   <li>{@code start_error}: start fails with this message
 *   <li>{@code start_error_recoverable}: whether that failure may be retried (default false)
 *   <li>{@code kill_after}: once signalled, how long the task takes to die
 *   <li>{@code stdout_string}, {@code stderr_string}: written once to the logs at start
 * </ul>
 *
 * <p>A stopped task exits with code 0 and the signal it died of: the stop signal when it dies
 * within the kill timeout, SIGKILL (9) when {@code kill_after} outlasts it. Mock tasks live in
 * this driver object only, so none can be recovered after a client restart.
 */
final class MockDriver implements TaskDriver {
  static final String NAME = "mock";

  private static final ConfigSchema SCHEMA =
      new ConfigSchema(
          NAME,
          Map.of(
              "run_for", ConfigSchema.Kind.DURATION,
              "exit_code", ConfigSchema.Kind.INT,
              "start_error", ConfigSchema.Kind.STRING,
              "start_error_recoverable", ConfigSchema.Kind.BOOL,
              "kill_after", ConfigSchema.Kind.DURATION,
              "stdout_string", ConfigSchema.Kind.STRING,
              "stderr_string", ConfigSchema.Kind.STRING),
          Set.of());

  private final ScheduledExecutorService clock =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "mock-driver");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, MockTask> tasks = new ConcurrentHashMap<>();

  /** A pretend task: its exit, the timer that ends it, and how long it takes to die. */
  private static final class MockTask {
    final CompletableFuture<ExitResult> exit = new CompletableFuture<>();
    final Duration killAfter;
    volatile ScheduledFuture<?> timer;

    MockTask(Duration killAfter) {
      this.killAfter = killAfter;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Fingerprint fingerprint() {
    return new Fingerprint(true, true, "healthy", Map.of());
  }

  @Override
  public List<String> validateConfig(Map<String, Object> config) {
    return SCHEMA.check(config);
  }

  @Override
  public TaskHandle start(TaskConfig config) throws DriverException {
    Map<String, Object> c = config.config();
    List<String> errors = validateConfig(c);
    if (!errors.isEmpty()) {
      throw new DriverException(String.join("; ", errors));
    }
    if (c.get("start_error") instanceof String message) {
      throw new DriverException(
          message, Boolean.TRUE.equals(c.get("start_error_recoverable")), null);
    }
    writeLogs(config);

    MockTask task = new MockTask(durationOr(c.get("kill_after"), Duration.ZERO));
    if (tasks.putIfAbsent(config.id(), task) != null) {
      throw new DriverException("mock task " + config.id() + " is already running");
    }
    if (c.get("run_for") instanceof String runFor) {
      int exitCode = c.containsKey("exit_code") ? ConfigSchema.asInt(c.get("exit_code")) : 0;
      ExitResult result = new ExitResult(exitCode, 0, false, null);
      task.timer =
          clock.schedule(
              () -> task.exit.complete(result),
              GoDuration.parse(runFor).toNanos(),
              TimeUnit.NANOSECONDS);
    }
    return new TaskHandle(NAME, config.id(), Map.of());
  }

  @Override
  public CompletableFuture<ExitResult> waitTask(TaskHandle handle) {
    MockTask task = tasks.get(handle.taskId());
    if (task == null) {
      return CompletableFuture.completedFuture(
          new ExitResult(
              ExitResult.UNKNOWN_EXIT_CODE, 0, false, "unknown mock task " + handle.taskId()));
    }
    return task.exit.copy();
  }

  @Override
  public void stop(TaskHandle handle, Duration killTimeout, String signal) throws DriverException {
    Signal sig = Signal.parse(signal);
    MockTask task = tasks.get(handle.taskId());
    if (task == null || task.exit.isDone()) {
      return;
    }
    cancelTimer(task);
    boolean diesOfSignal = sig == Signal.SIGKILL || task.killAfter.compareTo(killTimeout) <= 0;
    Duration dieAfter =
        sig == Signal.SIGKILL ? Duration.ZERO : diesOfSignal ? task.killAfter : killTimeout;
    int diedOf = diesOfSignal ? sig.number() : Signal.SIGKILL.number();
    ExitResult killed = new ExitResult(0, diedOf, false, null);
    clock.schedule(() -> task.exit.complete(killed), dieAfter.toNanos(), TimeUnit.NANOSECONDS);
    awaitExit(handle, task, dieAfter.plusSeconds(10));
  }

  @Override
  public void destroy(TaskHandle handle) {
    MockTask task = tasks.remove(handle.taskId());
    if (task != null) {
      cancelTimer(task);
      task.exit.complete(new ExitResult(0, Signal.SIGKILL.number(), false, null));
    }
  }

  @Override
  public TaskHandle recover(TaskHandle handle) throws DriverException {
    MockTask task = tasks.get(handle.taskId());
    if (task == null || task.exit.isDone()) {
      throw new DriverException(
          "mock task " + handle.taskId() + " cannot be recovered: mock tasks do not survive a"
              + " client restart");
    }
    return handle;
  }

  private static void writeLogs(TaskConfig config) throws DriverException {
    for (String stream : List.of("stdout", "stderr")) {
      Object text = config.config().get(stream + "_string");
      if (text instanceof String s && config.logs() != null) {
        try (LogRotator log = LogRotator.open(config.logs(), config.taskName(), stream)) {
          log.write(s.getBytes(UTF_8));
        } catch (IOException e) {
          throw new DriverException(
              "cannot write the " + stream + " log: " + e.getMessage(), true, e);
        }
      }
    }
  }

  private static void cancelTimer(MockTask task) {
    ScheduledFuture<?> timer = task.timer;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private static void awaitExit(TaskHandle handle, MockTask task, Duration limit)
      throws DriverException {
    try {
      task.exit.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted stopping mock task " + handle.taskId(), true, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new DriverException("mock task " + handle.taskId() + " did not stop", true, e);
    }
  }

  private static Duration durationOr(Object value, Duration fallback) {
    return value instanceof String s ? GoDuration.parse(s) : fallback;
  }
}
