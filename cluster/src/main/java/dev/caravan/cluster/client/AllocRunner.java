package dev.caravan.cluster.client;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.LogConfig;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.RestartPolicy;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskEvent;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.TaskState;
import dev.caravan.cluster.structs.Template;
import dev.caravan.cluster.client.template.TaskTemplates;
import dev.caravan.cluster.client.template.TemplateException;
import dev.caravan.drivers.DriverException;
import dev.caravan.drivers.ExitResult;
import dev.caravan.drivers.TaskConfig;
import dev.caravan.drivers.TaskDriver;
import dev.caravan.drivers.TaskHandle;
import dev.caravan.drivers.TaskSignaller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one allocation: one thread per task, each starting its task through its driver,
 * restarting it under the group's restart policy, and reporting every change of task state.
 *
 * <p>Task state machine: pending -> running -> (restarting -> running)* -> dead. The
 * allocation's client status follows: running while any task runs, complete when every task
 * exited successfully, failed when a task failed past its restart policy.
 */
final class AllocRunner {
  private static final Logger LOG = LoggerFactory.getLogger(AllocRunner.class);

  /** How often a template's source file is checked for changes (its modification time). */
  static final Duration TEMPLATE_POLL = Duration.ofSeconds(2);

  /** One thread polls the template sources of every task of this JVM; the work is small. */
  private static final ScheduledExecutorService TEMPLATE_POLLS =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "task-template-poll");
        t.setDaemon(true);
        return t;
      });

  private final Allocation alloc;
  private final Map<String, TaskDriver> drivers;
  private final Path allocDir;
  private final Clock clock;
  private final Consumer<Allocation> reporter;
  private final Map<String, TaskState> states = new ConcurrentHashMap<>();
  private volatile Allocation lastReported;
  private final Map<String, TaskHandle> handles = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final TaskHandleStore store;
  private final AllocHealthWatcher health;
  private final Map<String, TaskHandleStore.Persisted> restored;
  /** Tasks a re-rendered template (change_mode restart) stopped, to be started again. */
  private final Set<String> restartRequested = ConcurrentHashMap.newKeySet();
  /** Counted down by stop() and detach(): ends a restart delay at once. */
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile boolean detached;

  AllocRunner(Allocation alloc, Map<String, TaskDriver> drivers, Path allocRoot, Clock clock,
      Consumer<Allocation> reporter) {
    this(alloc, drivers, allocRoot, clock, reporter, null, Map.of());
  }

  /**
   * A runner that persists its tasks' handles in {@code store} (when not null) and first
   * re-attaches to the tasks {@code restored} names, left running by an earlier client.
   */
  AllocRunner(Allocation alloc, Map<String, TaskDriver> drivers, Path allocRoot, Clock clock,
      Consumer<Allocation> reporter, TaskHandleStore store,
      Map<String, TaskHandleStore.Persisted> restored) {
    this.alloc = alloc;
    this.drivers = drivers;
    this.allocDir = allocRoot.resolve(alloc.id());
    this.clock = clock;
    this.reporter = reporter;
    this.store = store;
    this.restored = new ConcurrentHashMap<>(restored);
    this.health = new AllocHealthWatcher(alloc, clock, this::report);
  }

  Allocation alloc() {
    return alloc;
  }

  /** The allocation as this runner last reported it (its tasks' current states). */
  Allocation current() {
    Allocation last = lastReported;
    return last == null ? alloc : last;
  }

  /** The tasks this runner has a driver handle for: started or re-attached, not yet ended. */
  Set<String> tasksWithHandles() {
    return Set.copyOf(handles.keySet());
  }

  void start() {
    TaskGroup group = alloc.job().group(alloc.taskGroup());
    if (group == null) {
      LOG.warn("allocation {} names group {} that its job lacks", alloc.id(), alloc.taskGroup());
      return;
    }
    for (Task task : group.tasks()) {
      TaskState known = alloc.taskStates().get(task.name());
      // A task re-attached after a client restart keeps the state the servers last heard.
      states.put(task.name(), restored.containsKey(task.name()) && known != null ? known
          : new TaskState(TaskState.PENDING, false, 0, 0, 0, 0,
              List.of(event("Received", "Task received by client", 0))));
    }
    report();
    health.start();
    for (Task task : group.tasks()) {
      Thread t = new Thread(() -> runTask(group, task), "task-" + alloc.name() + "-" + task.name());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /**
   * Lets go of the tasks without stopping them, as if the client were killed: the task threads
   * end, the tasks keep running and their persisted handles stay for the next client.
   */
  void detach() {
    detached = true;
    stopping = true;
    stopped.countDown();
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Stops every task (kill signal, then kill after the task's kill timeout) and waits until
   * each task's thread has released what its task left (a container is removed).
   */
  void stop() {
    stopping = true;
    stopped.countDown();
    health.stop();
    TaskGroup group = alloc.job().group(alloc.taskGroup());
    for (Map.Entry<String, TaskHandle> e : handles.entrySet()) {
      Task task = group == null ? null : group.task(e.getKey());
      Duration timeout = task == null ? Duration.ofSeconds(5) : task.killTimeout();
      String signal = task == null ? null : task.killSignal();
      try {
        drivers.get(e.getValue().driver()).stop(e.getValue(), timeout, signal);
      } catch (DriverException ex) {
        LOG.warn("stopping task {} of allocation {}: {}", e.getKey(), alloc.id(), ex.getMessage());
      }
    }
    // The tasks have exited: their threads now release them (remove containers), which an
    // interrupt would cut short. Only a thread still busy after a while (a slow start) is
    // interrupted.
    try {
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(10));
      }
      for (Thread t : threads) {
        if (t.isAlive()) {
          t.interrupt();
          t.join(TimeUnit.SECONDS.toMillis(30));
        }
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  private void runTask(TaskGroup group, Task task) {
    RestartPolicy policy = task.restartPolicy() != null ? task.restartPolicy()
        : group.restartPolicy() != null ? group.restartPolicy()
        : (Job.TYPE_BATCH.equals(alloc.job().type()) ? RestartPolicy.batchDefaults()
            : RestartPolicy.serviceDefaults());
    boolean batch = Job.TYPE_BATCH.equals(alloc.job().type())
        || Job.TYPE_SYSBATCH.equals(alloc.job().type());
    TaskDriver driver = drivers.get(task.driver());
    if (driver == null) {
      finish(task.name(), true, event("Driver Failure", "driver " + task.driver()
          + " is not available on this client", 0));
      return;
    }
    List<String> configErrors = driver.validateConfig(task.config());
    if (!configErrors.isEmpty()) {
      finish(task.name(), true, event("Failed Validation", String.join("; ", configErrors), 0));
      return;
    }
    TaskState known = states.get(task.name());
    int restarts = known == null ? 0 : (int) known.restarts();
    long windowStart = clock.millis();
    TaskTemplates templates = new TaskTemplates(task.templates(), allocDir,
        allocDir.resolve(task.name()));
    Map<String, String> env = Map.of();
    TaskHandle reattached = reattach(task, driver);
    if (reattached != null && !templates.isEmpty()) {
      // What an earlier client rendered is on disk: render again to know it, and poll on.
      try {
        env = taskConfig(task).env();
        templates.renderAll(env);
      } catch (DriverException | TemplateException e) {
        appendEvent(task.name(), event("Task hook failed", e.getMessage(), 0));
      }
    }
    if (reattached != null && stopping && !detached) {
      // stop() ran before the handle was known here: stop the re-attached task now.
      try {
        driver.stop(reattached, task.killTimeout(), task.killSignal());
      } catch (DriverException e) {
        LOG.warn("stopping task {} of allocation {}: {}", task.name(), alloc.id(), e.getMessage());
      }
      release(task.name(), driver, reattached);
      finish(task.name(), false, event("Killed", "Task successfully killed", 0));
      return;
    }
    while (!stopping) {
      ExitResult exit;
      TaskHandle handle = null;
      try {
        if (reattached != null) {
          handle = reattached;
          reattached = null;
          handles.put(task.name(), handle);
        } else {
          TaskConfig config = taskConfig(task);
          env = config.env();
          try {
            templates.renderAll(env);
          } catch (TemplateException e) {
            finish(task.name(), true, event("Task hook failed", e.getMessage(), 0));
            return;
          }
          handle = driver.start(config);
          handles.put(task.name(), handle);
          if (stopping) {
            // stop() ran while the task was starting, before its handle was known.
            driver.stop(handle, task.killTimeout(), task.killSignal());
          }
          update(task.name(), TaskState.RUNNING, false, restarts,
              event("Started", "Task started by client", 0));
          // After the report, which only queues it: a crash in between loses at most this
          // handle, as a crash during the start would.
          persist(task, handle);
        }
        ScheduledFuture<?> poll = templates.hasSources()
            ? watchTemplates(task, driver, templates, env, handle) : null;
        try {
          exit = driver.waitTask(handle).get();
        } finally {
          if (poll != null) {
            poll.cancel(false);
          }
        }
      } catch (DriverException e) {
        exit = new ExitResult(-1, 0, false, e.getMessage());
        appendEvent(task.name(), event("Driver Failure", e.getMessage(), 0));
        if (!e.recoverable() && !stopping) {
          finish(task.name(), true, event("Not Restarting", "Error was unrecoverable", 0));
          return;
        }
      } catch (InterruptedException e) {
        if (!detached) {
          // Released with the interrupt cleared: a Docker call would fail on it at once.
          release(task.name(), driver, handle);
          Thread.currentThread().interrupt();
          if (stopping) {
            finish(task.name(), false, event("Killed", "Task successfully killed", 0));
          }
        }
        return;
      } catch (Exception e) {
        exit = new ExitResult(-1, 0, false, String.valueOf(e.getMessage()));
      }
      if (detached) {
        return;
      }
      release(task.name(), driver, handle);
      if (stopping) {
        finish(task.name(), false, event("Killed", "Task successfully killed", exit.exitCode()));
        return;
      }
      appendEvent(task.name(), event("Terminated", "Exit Code: " + exit.exitCode()
          + (exit.error() == null ? "" : ", " + exit.error()), exit.exitCode()));
      if (restartRequested.remove(task.name())) {
        // Restarted for a template: not a failure, so not counted against the restart policy.
        update(task.name(), TaskState.PENDING, false, restarts,
            event("Restarting", "Task restarting: template re-rendered", 0));
        continue;
      }
      if (exit.successful() && batch) {
        finish(task.name(), false, event("Completed", "Task completed", 0));
        return;
      }
      if (clock.millis() - windowStart > policy.interval().toMillis()) {
        windowStart = clock.millis();
        restarts = 0;
      }
      if (restarts >= policy.attempts() && RestartPolicy.MODE_FAIL.equals(policy.mode())) {
        finish(task.name(), true, event("Not Restarting",
            "Exceeded allowed attempts " + policy.attempts() + " in interval " + policy.interval(), 0));
        return;
      }
      restarts++;
      update(task.name(), TaskState.PENDING, false, restarts,
          event("Restarting", "Task restarting in " + policy.delay(), 0));
      try {
        if (stopped.await(policy.delay().toMillis(), TimeUnit.MILLISECONDS) && !detached) {
          finish(task.name(), false, event("Killed", "Task successfully killed", 0));
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Polls the task's template sources while it runs; a changed output applies the template's
   * {@code change_mode}: restart the task, send it {@code change_signal}, or nothing (noop).
   */
  private ScheduledFuture<?> watchTemplates(Task task, TaskDriver driver, TaskTemplates templates,
      Map<String, String> env, TaskHandle handle) {
    String[] lastError = {null};
    long every = TEMPLATE_POLL.toMillis();
    return TEMPLATE_POLLS.scheduleWithFixedDelay(() -> {
      if (stopping || restartRequested.contains(task.name())) {
        return;
      }
      List<Template> changed;
      try {
        changed = templates.rerender(env);
        lastError[0] = null;
      } catch (TemplateException e) {
        if (!e.getMessage().equals(lastError[0])) {
          lastError[0] = e.getMessage();
          appendEvent(task.name(), event("Task hook failed", e.getMessage(), 0));
        }
        return;
      } catch (RuntimeException e) {
        LOG.warn("polling the templates of task {} of allocation {}", task.name(), alloc.id(), e);
        return;
      }
      applyChangeModes(task, driver, handle, changed);
    }, every, every, TimeUnit.MILLISECONDS);
  }

  private void applyChangeModes(Task task, TaskDriver driver, TaskHandle handle,
      List<Template> changed) {
    if (changed.stream().anyMatch(t -> "restart".equals(t.changeMode()))) {
      restartRequested.add(task.name());
      appendEvent(task.name(), event("Restart Signaled",
          "Template with change_mode restart re-rendered", 0));
      Thread stopper = new Thread(() -> {
        try {
          driver.stop(handle, task.killTimeout() == null ? Duration.ofSeconds(5)
              : task.killTimeout(), task.killSignal());
        } catch (DriverException e) {
          restartRequested.remove(task.name());
          appendEvent(task.name(), event("Driver Failure",
              "restarting the task for a re-rendered template: " + e.getMessage(), 0));
        }
      }, "template-restart-" + alloc.name() + "-" + task.name());
      stopper.setDaemon(true);
      stopper.start();
      return;
    }
    for (Template t : changed) {
      if (!"signal".equals(t.changeMode())) {
        continue;
      }
      String name = TaskTemplates.nameOf(t);
      if (!(driver instanceof TaskSignaller signaller)) {
        appendEvent(task.name(), event("Signaling", "Template " + name + " re-rendered but driver "
            + driver.name() + " cannot send signals: " + t.changeSignal() + " not sent", 0));
        continue;
      }
      try {
        signaller.signal(handle, t.changeSignal());
        appendEvent(task.name(), event("Signaling", "Template " + name + " re-rendered: sent "
            + t.changeSignal(), 0));
      } catch (DriverException e) {
        appendEvent(task.name(), event("Signaling", "Template " + name + " re-rendered but "
            + t.changeSignal() + " could not be sent: " + e.getMessage(), 0));
      }
    }
  }

  /**
   * Finds a task an earlier client left running; null when there was none or it is gone (then
   * the task starts again under its restart policy, with an event saying why).
   */
  private TaskHandle reattach(Task task, TaskDriver driver) {
    TaskHandleStore.Persisted persisted = restored.remove(task.name());
    if (persisted == null) {
      return null;
    }
    try {
      TaskHandle handle = driver.recover(persisted.handle());
      handles.put(task.name(), handle);
      persist(task, handle);
      LOG.info("re-attached to task {} of allocation {}", task.name(), alloc.id());
      return handle;
    } catch (DriverException | RuntimeException e) {
      if (store != null) {
        store.remove(alloc.id(), task.name());
      }
      driver.destroy(persisted.handle());
      appendEvent(task.name(), event("Driver Failure",
          "cannot re-attach to the task after a client restart: " + e.getMessage(), 0));
      return null;
    }
  }

  private void persist(Task task, TaskHandle handle) {
    if (store == null) {
      return;
    }
    try {
      store.save(alloc.id(), task.name(), new TaskHandleStore.Persisted(handle,
          (task.killTimeout() == null ? Duration.ofSeconds(5) : task.killTimeout()).toNanos(),
          task.killSignal()));
    } catch (IOException e) {
      LOG.warn("cannot persist the handle of task {} of allocation {}: {}", task.name(),
          alloc.id(), e.getMessage());
    }
  }

  /** Frees what an ended task left (its container, say) and forgets its handle. */
  private void release(String task, TaskDriver driver, TaskHandle handle) {
    if (handle != null) {
      driver.destroy(handle);
    }
    handles.remove(task);
    if (store != null) {
      store.remove(alloc.id(), task);
    }
  }

  private TaskConfig taskConfig(Task task) throws DriverException {
    Path taskDir = allocDir.resolve(task.name());
    Path logDir = allocDir.resolve("alloc").resolve("logs");
    try {
      Files.createDirectories(taskDir.resolve("local"));
      Files.createDirectories(taskDir.resolve("secrets"));
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new DriverException("cannot create task directory " + taskDir + ": " + e.getMessage());
    }
    writeDispatchPayload(task, taskDir.resolve("local"));
    Map<String, String> env = new LinkedHashMap<>(TaskEnvironment.of(alloc, task, allocDir, taskDir));
    Map<String, Object> config = TaskEnvironment.interpolate(task.config(), env);
    Resources r = task.resources() == null ? Resources.defaults() : task.resources();
    LogConfig logs = task.logConfig() == null ? LogConfig.defaults() : task.logConfig();
    return new TaskConfig(alloc.id() + "/" + task.name(), alloc.id(), alloc.jobId(),
        alloc.taskGroup(), task.name(), config, env, task.user(),
        new TaskConfig.TaskResources(r.cpu(), r.memoryMb(), r.memoryMaxMb()),
        allocDir.resolve("alloc"), taskDir,
        new TaskConfig.LogSettings(logDir, logs.maxFiles(), logs.maxFileSizeMb() * 1024L * 1024L));
  }

  /** As Nomad: a dispatched job's payload goes to {@code <task>/local/<dispatch_payload.file>}. */
  private void writeDispatchPayload(Task task, Path localDir) throws DriverException {
    String payload = alloc.job().payload();
    if (task.dispatchPayload() == null || task.dispatchPayload().file() == null
        || task.dispatchPayload().file().isEmpty() || payload == null || payload.isEmpty()) {
      return;
    }
    Path file = localDir.resolve(task.dispatchPayload().file()).normalize();
    if (!file.startsWith(localDir)) {
      throw new DriverException("dispatch_payload file " + task.dispatchPayload().file()
          + " escapes the task's local directory");
    }
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, java.util.Base64.getDecoder().decode(payload));
    } catch (IOException | IllegalArgumentException e) {
      throw new DriverException("cannot write the dispatch payload to " + file + ": "
          + e.getMessage());
    }
  }

  private TaskEvent event(String type, String message, int exitCode) {
    return new TaskEvent(type, clock.millis() * 1_000_000L, message, message, exitCode, 0,
        false, null, null, Map.of());
  }

  private void appendEvent(String task, TaskEvent e) {
    states.computeIfPresent(task, (k, s) -> withEvent(s, e));
    report();
  }

  private void update(String task, String state, boolean failed, int restarts, TaskEvent e) {
    long now = clock.millis() * 1_000_000L;
    states.computeIfPresent(task, (k, s) -> {
      TaskState next = new TaskState(state, failed, restarts, restarts > 0 ? now : s.lastRestart(),
          TaskState.RUNNING.equals(state) && s.startedAt() == 0 ? now : s.startedAt(),
          s.finishedAt(), s.events());
      return withEvent(next, e);
    });
    report();
  }

  private void finish(String task, boolean failed, TaskEvent e) {
    long now = clock.millis() * 1_000_000L;
    states.computeIfPresent(task, (k, s) -> withEvent(new TaskState(TaskState.DEAD, failed,
        s.restarts(), s.lastRestart(), s.startedAt(), now, s.events()), e));
    handles.remove(task);
    report();
  }

  private static TaskState withEvent(TaskState s, TaskEvent e) {
    List<TaskEvent> events = new ArrayList<>(s.events());
    events.add(e);
    if (events.size() > 10) {
      events = events.subList(events.size() - 10, events.size());
    }
    return new TaskState(s.state(), s.failed(), s.restarts(), s.lastRestart(), s.startedAt(),
        s.finishedAt(), events);
  }

  /** The allocation's client status, derived from its tasks' states. */
  static String clientStatus(Map<String, TaskState> states) {
    boolean anyRunning = false;
    boolean anyPending = false;
    boolean anyFailed = false;
    boolean allDead = true;
    for (TaskState s : states.values()) {
      switch (s.state()) {
        case TaskState.RUNNING -> { anyRunning = true; allDead = false; }
        case TaskState.PENDING -> { anyPending = true; allDead = false; }
        default -> anyFailed |= s.failed();
      }
    }
    if (anyFailed && !anyRunning) {
      return Allocation.CLIENT_FAILED;
    }
    if (allDead) {
      return Allocation.CLIENT_COMPLETE;
    }
    if (anyRunning) {
      return Allocation.CLIENT_RUNNING;
    }
    return anyPending ? Allocation.CLIENT_PENDING : Allocation.CLIENT_RUNNING;
  }

  private synchronized void report() {
    Map<String, TaskState> snapshot = new LinkedHashMap<>(states);
    String status = clientStatus(snapshot);
    health.taskStatesChanged(snapshot);
    Allocation now = alloc.toBuilder().clientStatus(status).taskStates(snapshot)
        .deploymentStatus(health.status())
        .clientDescription(switch (status) {
          case Allocation.CLIENT_RUNNING -> "Tasks are running";
          case Allocation.CLIENT_COMPLETE -> "All tasks have completed";
          case Allocation.CLIENT_FAILED -> "Failed tasks";
          default -> "No tasks have started";
        }).build();
    lastReported = now;
    reporter.accept(now);
  }
}
