package dev.caravan.reconciler.sync;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.reconciler.git.SourceConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an agent's sources on the leader: polls each at its interval (jittered by up to a
 * tenth), backs off after fetch failures (doubling, up to {@link #MAX_BACKOFF} or the interval
 * when longer), syncs at once on a trigger (webhook, CLI, leadership gained), and watches the
 * replicated state through blocking queries so that a job changed or deleted outside Git is
 * compared again within moments. Queues hold keys only: one pass at a time per source, and
 * triggers that arrive during a pass coalesce into one more pass.
 */
public final class SourceReconciler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceReconciler.class);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  /**
   * The least time between the starts of two fetching passes of one source: a burst of pushes
   * (webhooks) is synced at once and then at most this often, not back to back.
   */
  static final Duration MIN_PASS_GAP = Duration.ofMillis(250);
  private static final Duration WATCH_WAIT = Duration.ofSeconds(30);

  private final Cluster cluster;
  private final Path sourcesDir;
  private final Clock clock;
  private final RandomGenerator random;
  private final Consumer<SourceSyncer.SyncReport> listener;
  private final JobClaims claims = new JobClaims();
  private final Map<String, Runner> runners = new ConcurrentSkipListMap<>();
  /** Run-time sources (replicated) by name, with the index of the spec they run. */
  private final Map<String, Long> runtime = new ConcurrentSkipListMap<>();
  private final ScheduledExecutorService executor;
  private volatile boolean closed;
  private Thread watcher;

  public SourceReconciler(Cluster cluster, Path sourcesDir, Clock clock, RandomGenerator random,
      Consumer<SourceSyncer.SyncReport> listener) {
    this.cluster = cluster;
    this.sourcesDir = sourcesDir;
    this.clock = clock;
    this.random = random;
    this.listener = listener;
    this.executor = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "gitops-sync");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the drift watcher and syncs every source whenever this server gains leadership. */
  public void start() {
    cluster.addLeadershipListener(new Cluster.LeadershipListener() {
      @Override
      public void leadershipGained() {
        syncFromState(cluster.state());
        runners.values().forEach(r -> r.trigger(SourceSyncer.SyncOptions.POLL));
      }

      @Override
      public void leadershipLost() { }
    });
    watcher = new Thread(this::watch, "gitops-drift-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  /**
   * Adds a source and syncs it at once.
   *
   * @throws IllegalArgumentException when a source of that name exists
   */
  public synchronized SourceSyncer add(SourceConfig config) {
    if (runners.containsKey(config.name())) {
      throw new IllegalArgumentException("source " + config.name() + " already exists");
    }
    SourceSyncer syncer = new SourceSyncer(config, sourcesDir.resolve(config.name()), cluster,
        listener, clock, claims);
    Runner r = new Runner(syncer);
    runners.put(config.name(), r);
    r.trigger(SourceSyncer.SyncOptions.POLL);
    return syncer;
  }

  /** True when the source was added at run time (replicated), not from the agent config. */
  public boolean isRuntime(String name) {
    return runtime.containsKey(name);
  }

  /**
   * Runs the replicated run-time sources: adds new ones, restarts changed ones, removes
   * deleted ones. A run-time source named like a config-file source is ignored.
   */
  public synchronized void syncFromState(ClusterState state) {
    Map<String, dev.caravan.cluster.structs.GitSourceSpec> specs = new java.util.TreeMap<>();
    state.gitSources().forEach(g -> specs.put(g.name(), g));
    for (String name : List.copyOf(runtime.keySet())) {
      dev.caravan.cluster.structs.GitSourceSpec g = specs.get(name);
      if (g == null || g.modifyIndex() != runtime.get(name)) {
        runtime.remove(name);
        remove(name);
      }
    }
    for (dev.caravan.cluster.structs.GitSourceSpec g : specs.values()) {
      if (runtime.containsKey(g.name()) || runners.containsKey(g.name())) {
        continue;
      }
      try {
        add(SourceSpecs.fromSpec(g));
        runtime.put(g.name(), g.modifyIndex());
      } catch (IllegalArgumentException e) {
        LOG.warn("run-time source {} ignored: {}", g.name(), e.getMessage());
      }
    }
  }

  /** Stops syncing a source; its jobs stay as they are. False when there is no such source. */
  public synchronized boolean remove(String name) {
    Runner r = runners.remove(name);
    if (r == null) {
      return false;
    }
    r.stop();
    return true;
  }

  public List<SourceSyncer> syncers() {
    List<SourceSyncer> out = new ArrayList<>();
    runners.values().forEach(r -> out.add(r.syncer));
    return out;
  }

  public Optional<SourceSyncer> syncer(String name) {
    Runner r = runners.get(name);
    return r == null ? Optional.empty() : Optional.of(r.syncer);
  }

  /** Unix millis of a source's next poll, or 0 when none is scheduled. */
  public long nextPollAt(String name) {
    Runner r = runners.get(name);
    return r == null ? 0 : r.nextPollAt;
  }

  /** Asks for a pass of a source; false when there is no such source. */
  public boolean trigger(String name, SourceSyncer.SyncOptions options) {
    Runner r = runners.get(name);
    if (r == null) {
      return false;
    }
    r.trigger(options);
    return true;
  }

  /** Blocking queries on the state index: a job a source owns changed, so compare it again. */
  private void watch() {
    long index = 0;
    while (!closed) {
      try {
        ClusterState s = cluster.awaitIndex(index, WATCH_WAIT);
        index = s.index();
        syncFromState(s);
        if (!cluster.isLeader()) {
          continue;
        }
        for (Runner r : runners.values()) {
          // also while a pass runs: a change it did not see would otherwise wait for the
          // next poll; the runner coalesces it into one more pass
          if (r.syncer.lastReport().isPresent() && r.syncer.liveChanged(s)) {
            r.trigger(SourceSyncer.SyncOptions.LIVE);
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("drift watch failed", e);
      }
    }
  }

  /** One source's pass queue, poll timer and backoff. */
  private final class Runner {
    final SourceSyncer syncer;
    private SourceSyncer.SyncOptions pending;
    private boolean running;
    private boolean stopped;
    private int failures;
    private ScheduledFuture<?> poll;
    volatile long nextPollAt;
    private long lastFetchStart = Long.MIN_VALUE;

    Runner(SourceSyncer syncer) {
      this.syncer = syncer;
    }

    synchronized void trigger(SourceSyncer.SyncOptions options) {
      if (stopped || closed) {
        return;
      }
      pending = pending == null ? options : new SourceSyncer.SyncOptions(
          pending.fetch() || options.fetch(), pending.allowMassPrune() || options.allowMassPrune());
      if (!running) {
        running = true;
        executor.execute(this::drain);
      }
    }

    private void drain() {
      while (true) {
        SourceSyncer.SyncOptions options;
        synchronized (this) {
          options = pending;
          if (options == null || stopped) {
            pending = null;
            running = false;
            return;
          }
          long wait = lastFetchStart == Long.MIN_VALUE ? 0
              : lastFetchStart + MIN_PASS_GAP.toMillis() - clock.millis();
          if (options.fetch() && wait > 0) {
            // still running: triggers until then coalesce into the pending pass
            executor.schedule(this::drain, wait, TimeUnit.MILLISECONDS);
            return;
          }
          pending = null;
          if (options.fetch()) {
            lastFetchStart = clock.millis();
          }
        }
        try {
          if (cluster.isLeader()) {
            SourceSyncer.SyncReport r = syncer.sync(options);
            if (options.fetch()) {
              boolean fetchFailed = r.error() != null && r.lastSuccessAt() != r.attemptedAt();
              failures = fetchFailed ? failures + 1 : 0;
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (RuntimeException e) {
          LOG.warn("sync of source {} failed", syncer.config().name(), e);
        }
        if (options.fetch()) {
          schedulePoll();
        }
      }
    }

    private synchronized void schedulePoll() {
      if (stopped || closed) {
        return;
      }
      if (poll != null) {
        poll.cancel(false);
      }
      long delay = nextDelayMillis(syncer.config().interval(), failures, random);
      nextPollAt = clock.millis() + delay;
      poll = executor.schedule(() -> trigger(SourceSyncer.SyncOptions.POLL), delay,
          TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
      stopped = true;
      if (poll != null) {
        poll.cancel(false);
      }
      executor.execute(syncer::close);
    }
  }

  /**
   * The delay to the next poll: the interval plus up to a tenth of jitter, or after
   * {@code failures} failed fetches the interval's backoff: 1 s doubling, never more than
   * {@link #MAX_BACKOFF} (or the interval, when that is longer).
   */
  static long nextDelayMillis(Duration interval, int failures, RandomGenerator random) {
    long base = interval.toMillis();
    if (failures > 0) {
      long cap = Math.max(base, MAX_BACKOFF.toMillis());
      return Math.min(cap, 1000L << Math.min(failures - 1, 20));
    }
    return base + random.nextLong(Math.max(1, base / 10));
  }

  @Override
  public void close() {
    closed = true;
    if (watcher != null) {
      watcher.interrupt();
    }
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runners.values().forEach(r -> r.syncer.close());
  }
}
