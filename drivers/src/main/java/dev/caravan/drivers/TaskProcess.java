package dev.caravan.drivers;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One task running as an operating-system process, for the drivers that run processes
 * ({@code raw_exec}, {@code exec}): starting it with its output pumped into rotated logs,
 * finding it again by pid and start time after a client restart, and stopping its whole
 * process tree (signal, then a kill after the kill timeout).
 *
 * <p>Exit results: a process this client started reports its exit code as the JDK gives it
 * (128 + n when it died of signal n) and {@code signal} n when n is the signal the driver sent.
 * A recovered process is no child of this client, so its code cannot be read: it reports
 * {@link ExitResult#UNKNOWN_EXIT_CODE} and the signal the driver sent, if any. Its output is
 * no longer captured, since the pipes ended with the client that started it.
 */
final class TaskProcess {
  static final String PID = "pid";
  static final String START_TIME = "start_time";
  private static final Duration PUMP_DRAIN = Duration.ofSeconds(2);
  private static final Duration GONE_AFTER_KILL = Duration.ofSeconds(10);

  private final String taskId;
  private final ProcessHandle handle;
  private final CompletableFuture<ExitResult> exit = new CompletableFuture<>();
  private volatile Signal signalSent;

  private TaskProcess(String taskId, ProcessHandle handle) {
    this.taskId = taskId;
    this.handle = handle;
  }

  /**
   * The command started with every signal at its default. A process started in the background
   * by a shell (an agent run as {@code caravan agent &} from a script, or under nohup) ignores
   * SIGINT and SIGQUIT, and ignored signals survive exec: its tasks would ignore them too, so a
   * {@code kill_signal = "SIGINT"} could never stop one, and a shell task cannot even trap it.
   * {@code env --default-signal} resets them and then execs the command (same pid); without a
   * coreutils env the command starts as is.
   */
  static List<String> withDefaultSignals(List<String> command) {
    Optional<String> resetter = SignalResetter.ENV;
    if (resetter.isEmpty()) {
      return command;
    }
    List<String> line = new ArrayList<>(command.size() + 3);
    line.add(resetter.get());
    line.add("--default-signal");
    line.add("--");
    line.addAll(command);
    return line;
  }

  /**
   * coreutils' env, when it can reset signals ({@code --default-signal}, coreutils 8.31):
   * probed once, when the first task starts, not when the class loads (a recovery at start-up).
   */
  private static final class SignalResetter {
    static final Optional<String> ENV = signalResetter("/usr/bin/env");
  }

  static Optional<String> signalResetter(String env) {
    try {
      Process p = new ProcessBuilder(env, "--default-signal", "--", "true")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return Optional.of(env);
      }
      p.destroyForcibly();
    } catch (IOException e) {
      // no such env
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }

  /**
   * Starts {@code command} in the task's directory with exactly {@code env}, its stdout and
   * stderr going to the task's rotated logs.
   *
   * @throws DriverException when the process cannot be started
   */
  static TaskProcess start(List<String> command, Map<String, String> env, TaskConfig config)
      throws DriverException {
    ProcessBuilder builder = new ProcessBuilder(withDefaultSignals(command));
    builder.environment().clear();
    builder.environment().putAll(env);
    if (config.taskDir() != null) {
      builder.directory(config.taskDir().toFile());
    }
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    List<OutputStream> logs = new ArrayList<>();
    try {
      if (config.logs() == null) {
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
      } else {
        logs.add(LogRotator.open(config.logs(), config.taskName(), "stdout"));
        logs.add(LogRotator.open(config.logs(), config.taskName(), "stderr"));
      }
      Process process = builder.start();
      TaskProcess task = new TaskProcess(config.id(), process.toHandle());
      task.superviseChild(process, logs);
      return task;
    } catch (IOException e) {
      closeAll(logs);
      throw new DriverException(
          "cannot start " + command.get(0) + " for task " + config.id() + ": " + e.getMessage(),
          false,
          e);
    }
  }

  /**
   * Finds the process a handle's state names again: same pid and same start time, so a pid
   * reused by another process is not mistaken for the task.
   *
   * @throws DriverException when that process no longer runs
   */
  static TaskProcess recover(String taskId, Map<String, String> state) throws DriverException {
    long pid;
    try {
      pid = Long.parseLong(state.getOrDefault(PID, ""));
    } catch (NumberFormatException e) {
      throw new DriverException("handle of task " + taskId + " has no valid pid: " + state);
    }
    String startTime = state.getOrDefault(START_TIME, "");
    Optional<ProcessHandle> found =
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .filter(p -> startTime.isEmpty() || startTime.equals(startTimeOf(p)));
    if (found.isEmpty()) {
      throw new DriverException("process " + pid + " of task " + taskId + " is no longer running");
    }
    TaskProcess task = new TaskProcess(taskId, found.get());
    task.handle
        .onExit()
        .thenRun(() -> task.exit.complete(task.result(ExitResult.UNKNOWN_EXIT_CODE)));
    return task;
  }

  /** The state a {@link TaskHandle} keeps to find this process again. */
  Map<String, String> state() {
    return Map.of(PID, Long.toString(handle.pid()), START_TIME, startTimeOf(handle));
  }

  /** Completes when the process has exited and its output is in the logs. */
  CompletableFuture<ExitResult> exit() {
    return exit.copy();
  }

  /**
   * Sends {@code signal} to the process and its descendants, waits up to {@code killTimeout}
   * for all of them to exit, then kills what is left. Returns once the process is gone.
   *
   * @throws DriverException when the signal cannot be sent or the process outlives a kill
   */
  void stop(Duration killTimeout, Signal signal) throws DriverException {
    List<ProcessHandle> tree = tree();
    if (tree.stream().noneMatch(ProcessHandle::isAlive)) {
      return;
    }
    signalSent = signal;
    send(signal, tree);
    if (!awaitGone(tree, killTimeout)) {
      killTree(tree);
    }
  }

  /**
   * Sends {@code signal} to the task's main process only, which stays running unless the
   * signal ends it.
   *
   * @throws DriverException when the process is gone or the signal cannot be sent
   */
  void signal(Signal signal) throws DriverException {
    if (!handle.isAlive()) {
      throw new DriverException("process " + handle.pid() + " of task " + taskId
          + " is not running");
    }
    sendKill(signal, List.of(handle));
  }

  /**
   * Kills the process and its descendants at once (SIGKILL) and waits until they are gone.
   *
   * @throws DriverException when the process outlives the kill
   */
  void kill() throws DriverException {
    killTree(List.of());
  }

  /**
   * Kills the current tree and what is left of {@code earlier}, a snapshot taken before: a
   * descendant whose parent died was handed to init and is no descendant any more.
   */
  private void killTree(List<ProcessHandle> earlier) throws DriverException {
    List<ProcessHandle> tree =
        Stream.concat(earlier.stream(), tree().stream()).distinct().toList();
    if (tree.stream().noneMatch(ProcessHandle::isAlive)) {
      return;
    }
    signalSent = Signal.SIGKILL;
    tree.forEach(ProcessHandle::destroyForcibly);
    if (!awaitGone(tree, GONE_AFTER_KILL)) {
      throw new DriverException(
          "process " + handle.pid() + " of task " + taskId + " survived SIGKILL", true, null);
    }
  }

  private void superviseChild(Process process, List<OutputStream> logs) {
    List<Thread> pumps = new ArrayList<>();
    if (!logs.isEmpty()) {
      pumps.add(pump(process.getInputStream(), logs.get(0), "stdout"));
      pumps.add(pump(process.getErrorStream(), logs.get(1), "stderr"));
    }
    Thread waiter =
        new Thread(
            () -> {
              int code = awaitExitCode(process);
              // A descendant may hold the pipes open after the process exits: drain briefly.
              for (Thread pump : pumps) {
                joinQuietly(pump, PUMP_DRAIN);
              }
              closeAll(logs);
              exit.complete(result(code));
            },
            "task-wait-" + taskId);
    waiter.setDaemon(true);
    waiter.start();
  }

  private Thread pump(InputStream from, OutputStream to, String stream) {
    Thread pump =
        new Thread(
            () -> {
              try (from) {
                from.transferTo(to);
              } catch (IOException e) {
                // The log was closed or the pipe broke: the task's output ends here.
              }
            },
            "task-" + stream + "-" + taskId);
    pump.setDaemon(true);
    pump.start();
    return pump;
  }

  private ExitResult result(int code) {
    Signal sent = signalSent;
    boolean diedOfSent =
        sent != null && (code == ExitResult.UNKNOWN_EXIT_CODE || code == 128 + sent.number());
    return new ExitResult(code, diedOfSent ? sent.number() : 0, false, null);
  }

  private List<ProcessHandle> tree() {
    return Stream.concat(Stream.of(handle), handle.descendants()).toList();
  }

  private void send(Signal signal, List<ProcessHandle> tree) throws DriverException {
    if (signal == Signal.SIGTERM) {
      tree.forEach(ProcessHandle::destroy);
      return;
    }
    sendKill(signal, tree);
  }

  /** Runs {@code kill -SIG pid...} for the live processes of {@code tree}. */
  private void sendKill(Signal signal, List<ProcessHandle> tree) throws DriverException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal.shortName()));
    tree.stream().filter(ProcessHandle::isAlive).forEach(p -> command.add(Long.toString(p.pid())));
    try {
      Process kill =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(GONE_AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
      }
    } catch (IOException e) {
      throw new DriverException(
          "cannot send " + signal + " to task " + taskId + ": " + e.getMessage(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted signalling task " + taskId, true, e);
    }
  }

  private static boolean awaitGone(List<ProcessHandle> tree, Duration limit)
      throws DriverException {
    CompletableFuture<?>[] exits =
        tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(limit.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new DriverException("cannot wait for a process: " + e.getMessage(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted waiting for a process to exit", true, e);
    }
  }

  private static int awaitExitCode(Process process) {
    while (true) {
      try {
        return process.waitFor();
      } catch (InterruptedException e) {
        // Only this daemon thread waits here; keep waiting for the exit.
      }
    }
  }

  private static void joinQuietly(Thread thread, Duration limit) {
    try {
      thread.join(limit.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeAll(List<OutputStream> logs) {
    for (OutputStream log : logs) {
      try {
        log.close();
      } catch (IOException e) {
        // Closing a log file cannot be retried usefully; the data written is already there.
      }
    }
  }

  private static String startTimeOf(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toString).orElse("");
  }
}
