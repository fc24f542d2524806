package dev.caravan.cluster.client;

import dev.caravan.cluster.structs.AllocDeploymentStatus;
import dev.caravan.cluster.structs.AllocatedPort;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Service;
import dev.caravan.cluster.structs.ServiceCheck;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.TaskState;
import dev.caravan.cluster.structs.UpdateStrategy;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Judges an allocation's health for its deployment, once: healthy when every task has run
 * without a restart for the update block's {@code min_healthy_time} (and, with
 * {@code health_check = "checks"}, every http, tcp and script check of the group's and tasks'
 * services passes), unhealthy when a task fails, restarts or stops first, or when
 * {@code healthy_deadline} passes without it turning healthy. With {@code health_check =
 * "manual"}, or for an allocation outside a deployment, it reports nothing.
 *
 * <p>The verdict is a {@link AllocDeploymentStatus} (Healthy, Timestamp, Canary) that the
 * alloc runner sends with its next client update.
 */
final class AllocHealthWatcher {
  private static final ScheduledExecutorService TIMERS = Executors.newScheduledThreadPool(1,
      r -> {
        Thread t = new Thread(r, "alloc-health");
        t.setDaemon(true);
        return t;
      });
  private static final Duration CHECK_RETRY = Duration.ofMillis(250);

  private final Allocation alloc;
  private final Clock clock;
  private final Runnable onVerdict;
  private final UpdateStrategy update;
  private final List<ServiceCheck> checks = new ArrayList<>();
  private final List<Task> tasks;
  private volatile AllocDeploymentStatus verdict;
  private long allRunningSince;
  private ScheduledFuture<?> pending;
  private ScheduledFuture<?> deadline;
  private boolean stopped;

  AllocHealthWatcher(Allocation alloc, Clock clock, Runnable onVerdict) {
    this.alloc = alloc;
    this.clock = clock;
    this.onVerdict = onVerdict;
    TaskGroup group = alloc.job() == null ? null : alloc.job().group(alloc.taskGroup());
    UpdateStrategy u = group == null ? null : group.update();
    boolean watched = u != null && alloc.deploymentId() != null
        && !"manual".equals(u.healthCheck()) && u.maxParallel() > 0;
    this.update = watched ? u : null;
    this.tasks = group == null ? List.of() : group.tasks();
    if (watched && !"task_states".equals(u.healthCheck())) {
      for (Service s : group.services()) {
        s.checks().forEach(checks::add);
      }
      for (Task t : group.tasks()) {
        for (Service s : t.services()) {
          s.checks().forEach(checks::add);
        }
      }
    }
  }

  /** Starts the healthy deadline; a no-op for allocations it does not watch. */
  synchronized void start() {
    if (update == null) {
      return;
    }
    Duration d = update.healthyDeadline() == null ? Duration.ofMinutes(5)
        : update.healthyDeadline();
    deadline = TIMERS.schedule(() -> decide(false), d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The verdict so far: the allocation's own status until one is reached. */
  AllocDeploymentStatus status() {
    AllocDeploymentStatus v = verdict;
    return v != null ? v : alloc.deploymentStatus();
  }

  /** Feeds the latest task states (called on every change of any task). */
  synchronized void taskStatesChanged(Map<String, TaskState> states) {
    if (update == null || verdict != null || stopped) {
      return;
    }
    boolean allRunning = !states.isEmpty();
    for (TaskState s : states.values()) {
      if (s.failed() || s.restarts() > 0 || TaskState.DEAD.equals(s.state())) {
        schedule(() -> decide(false), 0);
        return;
      }
      allRunning &= TaskState.RUNNING.equals(s.state());
    }
    if (!allRunning) {
      allRunningSince = 0;
      cancelPending();
      return;
    }
    if (allRunningSince == 0) {
      allRunningSince = clock.millis();
      Duration min = update.minHealthyTime() == null ? Duration.ZERO : update.minHealthyTime();
      schedule(this::checkHealthy, min.toMillis());
    }
  }

  /** Stops its timers (the allocation stops). */
  synchronized void stop() {
    stopped = true;
    cancelPending();
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  private void checkHealthy() {
    synchronized (this) {
      if (verdict != null || stopped || allRunningSince == 0) {
        return;
      }
    }
    if (checksPass()) {
      decide(true);
    } else {
      synchronized (this) {
        schedule(this::checkHealthy, CHECK_RETRY.toMillis());
      }
    }
  }

  private void decide(boolean healthy) {
    synchronized (this) {
      if (verdict != null || stopped) {
        return;
      }
      boolean canary = alloc.deploymentStatus() != null && alloc.deploymentStatus().canary();
      verdict = new AllocDeploymentStatus(healthy, clock.millis() * 1_000_000L, canary, 0);
      cancelPending();
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
    onVerdict.run();
  }

  private void schedule(Runnable r, long delayMillis) {
    cancelPending();
    pending = TIMERS.schedule(r, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
  }

  private void cancelPending() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }

  private boolean checksPass() {
    for (ServiceCheck c : checks) {
      if (!passes(c)) {
        return false;
      }
    }
    return true;
  }

  /** Runs one check once: http answers 2xx, tcp accepts, a script exits 0. */
  boolean passes(ServiceCheck c) {
    Duration timeout = c.timeout() == null ? Duration.ofSeconds(2) : c.timeout();
    try {
      switch (c.type() == null ? "" : c.type()) {
        case "http" -> {
          String path = c.path() == null ? "/" : c.path();
          String proto = c.protocol() == null || c.protocol().isEmpty() ? "http" : c.protocol();
          HttpURLConnection http = (HttpURLConnection) URI.create(proto + "://127.0.0.1:"
              + port(c) + path).toURL().openConnection();
          http.setConnectTimeout((int) timeout.toMillis());
          http.setReadTimeout((int) timeout.toMillis());
          int code = http.getResponseCode();
          http.disconnect();
          return code >= 200 && code < 300;
        }
        case "tcp" -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port(c)), (int) timeout.toMillis());
            return true;
          }
        }
        case "script" -> {
          List<String> cmd = new ArrayList<>();
          cmd.add(c.command());
          cmd.addAll(c.args());
          Process p = new ProcessBuilder(cmd).directory(Path.of(".").toFile())
              .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
          if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return false;
          }
          return p.exitValue() == 0;
        }
        default -> {
          return true; // check types Caravan does not run (grpc) do not block health
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The check's port: a label of the allocation's ports, or a literal number. */
  private int port(ServiceCheck c) {
    String label = c.portLabel();
    if (label == null || label.isEmpty()) {
      for (Task t : tasks) {
        for (Service s : t.services()) {
          if (s.checks().contains(c)) {
            label = s.portLabel();
          }
        }
      }
      TaskGroup group = alloc.job().group(alloc.taskGroup());
      for (Service s : group.services()) {
        if (s.checks().contains(c)) {
          label = s.portLabel();
        }
      }
    }
    if (label == null) {
      throw new IllegalArgumentException("check " + c.name() + " has no port");
    }
    if (alloc.allocatedResources() != null) {
      for (AllocatedPort p : alloc.allocatedResources().ports()) {
        if (label.equals(p.label())) {
          return p.value();
        }
      }
    }
    return Integer.parseInt(label);
  }
}
