package dev.caravan.cluster.client;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Node;
import dev.caravan.drivers.TaskDriver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client agent: registers its node, heartbeats, watches its allocations with blocking
 * queries, runs the ones the servers want and stops the ones they no longer want, and reports
 * task states back.
 */
public final class ClientAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientAgent.class);

  /**
   * How long registration waits for the drivers' first fingerprints: a slower driver (Docker,
   * loading its client) joins the node when it is done, without holding up the start.
   */
  private static final Duration INITIAL_FINGERPRINT_WAIT = Duration.ofMillis(500);

  private final ClientConfig config;
  /** How long one blocking query for the node's allocations waits on the servers. */
  static final Duration ALLOC_WAIT = Duration.ofSeconds(30);
  /** Retry delays while no server answers: doubling from the first to the last. */
  static final Duration FIRST_RETRY = Duration.ofMillis(500);
  static final Duration LAST_RETRY = Duration.ofSeconds(30);

  private final ClientServers servers;
  private final Map<String, TaskDriver> drivers;
  private final Clock clock;
  private final Map<String, AllocRunner> runners = new ConcurrentHashMap<>();
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "client-heartbeat"));
  private final ScheduledExecutorService fingerprints =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "client-fingerprint"));
  private final ScheduledExecutorService reporter =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "client-alloc-updates"));
  private final Map<String, Allocation> pendingUpdates = new ConcurrentHashMap<>();
  /** Failed attempts to report updates in a row, and when the next may be made (reporter thread). */
  private int updateFailures;
  private long nextUpdateAttempt;
  private final TaskHandleStore handleStore;
  /** Tasks an earlier client left running, by allocation; claimed by the first reconcile. */
  private Map<String, Map<String, TaskHandleStore.Persisted>> restored = Map.of();
  private volatile boolean closed;
  private Thread watcher;
  private volatile Node node;

  /** A client of the server in this process (the dev agent). */
  public ClientAgent(ClientConfig config, Cluster servers, Map<String, TaskDriver> drivers,
      Clock clock) {
    this(config, new LocalServers(servers), drivers, clock);
  }

  /** A client of the given servers (over HTTP for a client-only agent). */
  public ClientAgent(ClientConfig config, ClientServers servers, Map<String, TaskDriver> drivers,
      Clock clock) {
    this.config = config;
    this.servers = servers;
    this.drivers = Map.copyOf(drivers);
    this.clock = clock;
    this.handleStore = new TaskHandleStore(config.dataDir().resolve("state").resolve("allocs"));
  }

  /**
   * Fingerprints, registers and starts watching; returns once the node is registered, or,
   * when no server answers (503), once registering has been left to the heartbeat's retries.
   *
   * @throws ClusterException when the servers refuse the node
   */
  public synchronized void start() throws IOException, ClusterException {
    restored = new ConcurrentHashMap<>(handleStore.load());
    node = Fingerprinter.fingerprint(config, drivers, clock.millis() * 1_000_000L,
        INITIAL_FINGERPRINT_WAIT, () -> fingerprints.execute(this::refingerprint));
    try {
      Duration ttl = servers.registerNode(node);
      LOG.info("client node {} ({}) registered", node.name(), node.id());
      scheduleHeartbeat(ttl, 0);
    } catch (ClusterException e) {
      if (e.status() != 503) {
        throw e;
      }
      // the heartbeat's answer (404: unknown node) registers it once a server answers
      LOG.warn("client node {}: no server answers yet, retrying: {}", node.id(), e.getMessage());
      scheduleHeartbeat(LAST_RETRY, 1);
    }
    long every = config.fingerprintInterval().toMillis();
    fingerprints.scheduleWithFixedDelay(this::refingerprint, every, every, TimeUnit.MILLISECONDS);
    reporter.scheduleWithFixedDelay(this::flushUpdates, 50, 50, TimeUnit.MILLISECONDS);
    watcher = daemon(this::watchAllocations, "client-alloc-watcher");
    watcher.start();
  }

  public String nodeId() {
    return node.id();
  }

  /** The tasks of an allocation this client holds a driver handle for (running ones). */
  Set<String> runningTasks(String allocId) {
    AllocRunner runner = runners.get(allocId);
    return runner == null ? Set.of() : runner.tasksWithHandles();
  }

  /** The node as this client last registered it. */
  public Node node() {
    return node;
  }

  /**
   * An allocation this client runs, with its tasks' current states; empty when it runs no
   * such allocation (any more).
   */
  public java.util.Optional<Allocation> allocation(String allocId) {
    AllocRunner runner = runners.get(allocId);
    return runner == null ? java.util.Optional.empty() : java.util.Optional.of(runner.current());
  }

  /** The directory of an allocation on this client: {@code alloc/logs/} holds its task logs. */
  public Path allocDir(String allocId) {
    return allocRoot().resolve(allocId);
  }

  /**
   * Fingerprints the drivers again and re-registers the node when what it found changed (a
   * driver turned healthy or unhealthy, a version changed), so the servers place accordingly.
   */
  void refingerprint() {
    if (closed) {
      return;
    }
    try {
      Node next = Fingerprinter.fingerprint(config, drivers, clock.millis() * 1_000_000L);
      if (Fingerprinter.sameFindings(node, next)) {
        return;
      }
      servers.registerNode(next);
      node = next;
      LOG.info("client node {}: drivers or attributes changed, node updated", next.id());
    } catch (IOException | ClusterException | RuntimeException e) {
      LOG.warn("re-fingerprinting: {}", e.getMessage());
    }
  }

  /**
   * Heartbeats at half the TTL the servers gave. While no server answers, retries back off
   * (never later than the TTL would allow); the tasks keep running meanwhile. A server that
   * no longer knows the node (404) gets it registered again.
   */
  private void scheduleHeartbeat(Duration ttl, int failures) {
    long delay = failures == 0 ? Math.max(100, ttl.toMillis() / 2)
        : Math.min(Math.max(100, ttl.toMillis() / 2), retryDelay(failures).toMillis());
    try {
      heartbeats.schedule(() -> heartbeatOnce(ttl, failures), delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void heartbeatOnce(Duration ttl, int failures) {
    if (closed) {
      return;
    }
    Duration next = ttl;
    int failed = 0;
    try {
      next = servers.heartbeat(node.id());
    } catch (ClusterException e) {
      if (e.status() == 404) {
        try {
          next = servers.registerNode(node);
          LOG.info("client node {} registered again: the servers did not know it", node.id());
        } catch (ClusterException re) {
          LOG.warn("re-registering node: {}", re.getMessage());
          failed = failures + 1;
        }
      } else {
        LOG.warn("heartbeat: {}", e.getMessage());
        failed = failures + 1;
      }
    } catch (RuntimeException e) {
      LOG.warn("heartbeat failed", e);
      failed = failures + 1;
    }
    scheduleHeartbeat(next, failed);
  }

  /** The delay before retry number {@code failures} (1-based): doubling, capped. */
  static Duration retryDelay(int failures) {
    long millis = FIRST_RETRY.toMillis() << Math.min(Math.max(0, failures - 1), 16);
    return Duration.ofMillis(Math.min(millis, LAST_RETRY.toMillis()));
  }

  private void watchAllocations() {
    long index = 0;
    int failures = 0;
    while (!closed) {
      try {
        NodeAllocations got = servers.allocations(node.id(), index, ALLOC_WAIT);
        failures = 0;
        if (got.index() != index || index == 0) {
          index = got.index();
          reconcile(got.allocs());
          stopLeftovers();
        }
      } catch (InterruptedException e) {
        return;
      } catch (ClusterException e) {
        failures++;
        LOG.warn("watching allocations (retry in {}): {}", retryDelay(failures),
            e.getMessage());
        sleepQuietly(retryDelay(failures).toMillis());
      } catch (RuntimeException e) {
        failures++;
        LOG.warn("watching allocations", e);
        sleepQuietly(retryDelay(failures).toMillis());
      }
    }
  }

  /** Starts what should run and is not running here; stops what runs and should not. */
  private void reconcile(List<Allocation> allocs) {
    Set<String> seen = new HashSet<>();
    for (Allocation a : allocs) {
      seen.add(a.id());
      AllocRunner runner = runners.get(a.id());
      if (a.isServerTerminal()) {
        if (runner != null) {
          runners.remove(a.id());
          stopAsync(runner);
        }
      } else if (runner == null && !a.isClientTerminal()) {
        Map<String, TaskHandleStore.Persisted> left = restored.remove(a.id());
        AllocRunner r = new AllocRunner(a, drivers, allocRoot(), clock, this::queueUpdate,
            handleStore, left == null ? Map.of() : left);
        runners.put(a.id(), r);
        r.start();
      }
    }
    for (String id : new HashSet<>(runners.keySet())) {
      if (!seen.contains(id)) {
        stopAsync(runners.remove(id));
      }
    }
  }

  /**
   * Stops the tasks an earlier client left running whose allocations the servers no longer
   * want here (stopped, gone, or finished while no client ran).
   */
  private void stopLeftovers() {
    if (restored.isEmpty()) {
      return;
    }
    Map<String, Map<String, TaskHandleStore.Persisted>> left = restored;
    restored = Map.of();
    left.forEach((allocId, tasks) -> tasks.forEach((task, p) -> daemon(() -> {
      TaskDriver driver = drivers.get(p.handle().driver());
      if (driver != null) {
        try {
          driver.stop(driver.recover(p.handle()), p.killTimeout(), p.killSignal());
        } catch (Exception e) {
          LOG.info("task {} of allocation {} left by an earlier client: {}", task, allocId,
              e.getMessage());
        }
        driver.destroy(p.handle());
      }
      handleStore.remove(allocId, task);
      LOG.info("stopped task {} of allocation {}: no longer wanted here", task, allocId);
    }, "stop-leftover-" + task).start()));
  }

  private void stopAsync(AllocRunner runner) {
    daemon(runner::stop, "stop-" + runner.alloc().name()).start();
  }

  private Path allocRoot() {
    return config.dataDir().resolve("alloc");
  }

  private void queueUpdate(Allocation update) {
    // Tasks stopped because this agent shuts down are not finished as far as the servers are
    // concerned: a restarted client starts them again.
    if (!closed) {
      pendingUpdates.put(update.id(), update);
    }
  }

  /** Sends batched allocation updates: one Raft write per batch, not per task event. */
  private void flushUpdates() {
    if (pendingUpdates.isEmpty() || clock.millis() < nextUpdateAttempt) {
      return;
    }
    Map<String, Allocation> batch = new HashMap<>();
    for (String id : new HashSet<>(pendingUpdates.keySet())) {
      Allocation a = pendingUpdates.remove(id);
      if (a != null) {
        batch.put(id, a);
      }
    }
    try {
      servers.updateAllocs(List.copyOf(batch.values()));
      updateFailures = 0;
      nextUpdateAttempt = 0;
    } catch (ClusterException | RuntimeException e) {
      // kept and sent again once a server answers; the newest state of an allocation wins
      updateFailures++;
      Duration retry = retryDelay(updateFailures);
      nextUpdateAttempt = clock.millis() + retry.toMillis();
      LOG.warn("reporting allocation updates (retry in {}): {}", retry, e.getMessage());
      batch.forEach(pendingUpdates::putIfAbsent);
    }
  }

  /**
   * Closes this agent but leaves its tasks running, as if its process were killed: a client
   * started later on the same data dir re-attaches to them.
   */
  public void closeLeavingTasksRunning() {
    closed = true;
    heartbeats.shutdownNow();
    fingerprints.shutdownNow();
    if (watcher != null) {
      watcher.interrupt();
    }
    reporter.shutdownNow();
    for (AllocRunner r : runners.values()) {
      r.detach();
    }
  }

  @Override
  public void close() {
    closed = true;
    heartbeats.shutdownNow();
    fingerprints.shutdownNow();
    if (watcher != null) {
      watcher.interrupt();
    }
    reporter.shutdownNow();
    // Allocations stop side by side: each may wait out its tasks' kill timeouts.
    List<Thread> stoppers = runners.values().stream()
        .map(r -> daemon(r::stop, "stop-" + r.alloc().name())).toList();
    stoppers.forEach(Thread::start);
    long deadline = System.nanoTime() + CLOSE_LIMIT.toNanos();
    for (Thread t : stoppers) {
      try {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    List<String> left = stoppers.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    if (!left.isEmpty()) {
      LOG.warn("closing without waiting longer for {} ({} s)", left, CLOSE_LIMIT.toSeconds());
    }
  }

  /**
   * How long closing waits for allocations to stop: past their kill timeouts, a driver that
   * does not answer (a hung Docker engine) must not hold the agent's shutdown for good.
   */
  private static final Duration CLOSE_LIMIT = Duration.ofMinutes(2);

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
