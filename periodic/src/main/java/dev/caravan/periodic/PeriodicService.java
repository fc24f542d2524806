package dev.caravan.periodic;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.PeriodicConfig;
import dev.caravan.cluster.structs.PeriodicLaunch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic launcher wired to a server: tracks every active periodic job of the replicated
 * state, fires them through {@link PeriodicLauncher} (Quartz) while the server leads, and turns
 * each fire into one {@link Cluster#launchPeriodic} proposal (a launch, or a skip under
 * {@code prohibit_overlap}).
 *
 * <p>Leadership: {@link #leadershipGained()} starts a watcher that rebuilds the tracked set from
 * the state, starts Quartz, catches up on slots missed while no leader existed (see
 * periodic/README.md) and then follows the state by blocking queries, tracking and untracking
 * jobs as they are registered, updated or deregistered; it also re-runs the catch-up every few
 * seconds, so a fire Quartz dropped as misfired is still launched. {@link #leadershipLost()}
 * stops the watcher and Quartz. Slots are guarded by the Raft command, so a fire repeated by a
 * second leader (or by the catch-up) is a no-op.
 */
public final class PeriodicService implements Cluster.LeadershipListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicService.class);
    private static final Duration CATCH_UP_EVERY = Duration.ofSeconds(5);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Cluster cluster;
    private final Clock clock;
    private final PeriodicLauncher launcher;
    /** Fires waiting to be proposed; proposer threads take all that is queued at once. */
    private final LinkedBlockingQueue<Fire> fires = new LinkedBlockingQueue<>();
    private final List<Thread> proposers = new java.util.ArrayList<>();
    private volatile boolean closed;
    /** Tracked key ({@code namespace '\0' id}) to the periodic block it was scheduled with. */
    private final Map<String, PeriodicConfig> tracked = new HashMap<>();
    private Thread watcher;

    /** One fire of one tracked job (key {@code namespace '\0' id}), slot in unix seconds. */
    record Fire(String key, long slot) {}

    /**
     * @param proposerThreads how many batches of fires may be in flight at once; each batch is
     *     one Raft entry however many jobs fired together
     */
    public PeriodicService(Cluster cluster, Clock clock, int proposerThreads) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.launcher = new PeriodicLauncher(this::onFire);
        for (int i = 0; i < proposerThreads; i++) {
            Thread t = new Thread(this::proposeFires, "caravan-periodic-launch-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            proposers.add(t);
            t.start();
        }
    }

    public PeriodicService(Cluster cluster, Clock clock) {
        this(cluster, clock, 2);
    }

    @Override
    public synchronized void leadershipGained() {
        if (watcher != null) {
            return;
        }
        Thread t = new Thread(this::watch, "caravan-periodic-watcher");
        t.setDaemon(true);
        watcher = t;
        t.start();
    }

    @Override
    public void leadershipLost() {
        Thread t;
        synchronized (this) {
            t = watcher;
            watcher = null;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        launcher.leadershipLost();
    }

    @Override
    public void close() {
        closed = true;
        leadershipLost();
        proposers.forEach(Thread::interrupt);
    }

    /** True while Quartz fires on this server. */
    public boolean isLaunching() {
        return launcher.isLeading();
    }

    // ---- the watcher (leader only) ----

    private void watch() {
        try {
            ClusterState s = cluster.state();
            syncTracked(s);
            launcher.leadershipGained();
            catchUp(s);
            long lastCatchUp = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                ClusterState next = cluster.awaitIndex(s.index(), Duration.ofSeconds(1));
                if (next.index() != s.index()) {
                    syncTracked(next);
                }
                s = next;
                if (System.nanoTime() - lastCatchUp > CATCH_UP_EVERY.toNanos()) {
                    catchUp(s);
                    lastCatchUp = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            // leadership lost
        } catch (RuntimeException e) {
            LOG.error("periodic watcher failed; periodic jobs stop launching on this leader", e);
        }
    }

    /** Tracks every active periodic job of {@code s} and untracks the rest. */
    private void syncTracked(ClusterState s) {
        Map<String, PeriodicConfig> wanted = new HashMap<>();
        for (Job j : s.jobs()) {
            if (isActive(j)) {
                wanted.put(key(j.namespace(), j.id()), j.periodic());
            }
        }
        for (String k : List.copyOf(tracked.keySet())) {
            if (!wanted.containsKey(k)) {
                tracked.remove(k);
                launcher.untrack(k);
            }
        }
        wanted.forEach((k, periodic) -> {
            if (!periodic.equals(tracked.get(k))) {
                try {
                    launcher.track(k, cachedSchedule(periodic));
                    tracked.put(k, periodic);
                } catch (RuntimeException e) {
                    LOG.warn("periodic job {}: not scheduled: {}", k.replace('\0', '/'), e.getMessage());
                    tracked.put(k, periodic); // do not retry an invalid schedule on every index
                }
            }
        });
    }

    /** Launches (or skips) the latest due slot of every tracked job; see periodic/README.md. */
    private void catchUp(ClusterState s) {
        Instant now = clock.instant();
        for (Job j : s.jobs()) {
            if (!isActive(j)) {
                continue;
            }
            try {
                Instant last = lastLaunch(s, j);
                boolean overlap = j.periodic().prohibitOverlap();
                LaunchDecision d = PeriodicLaunchPlanner.decide(cachedSchedule(j.periodic()), last,
                        overlap, overlap && childRunning(s, j), now);
                if (d instanceof LaunchDecision.Launch || d instanceof LaunchDecision.Skip) {
                    LaunchSlot slot = d instanceof LaunchDecision.Launch l ? l.slot()
                            : ((LaunchDecision.Skip) d).slot();
                    fires.add(new Fire(key(j.namespace(), j.id()), slot.unixSeconds()));
                }
            } catch (RuntimeException e) {
                LOG.warn("periodic job {}: catch-up failed: {}", j.id(), e.getMessage());
            }
        }
    }

    // ---- fires ----

    /** Schedules by periodic block: parsing every cron of every job on each catch-up adds up. */
    private final Map<PeriodicConfig, CronSchedule> schedules = new java.util.concurrent.ConcurrentHashMap<>();

    private CronSchedule cachedSchedule(PeriodicConfig p) {
        if (schedules.size() > 10_000) {
            schedules.clear();
        }
        return schedules.computeIfAbsent(p, PeriodicService::schedule);
    }

    /** Quartz's thread: hand over at once, so that Quartz never waits for Raft. */
    private boolean onFire(String key, long slot) {
        fires.add(new Fire(key, slot));
        return true;
    }

    private void proposeFires() {
        List<Fire> batch = new java.util.ArrayList<>();
        while (!closed) {
            try {
                batch.add(fires.take());
            } catch (InterruptedException e) {
                return;
            }
            fires.drainTo(batch, 999);
            try {
                fire(batch);
            } catch (RuntimeException e) {
                LOG.warn("periodic launches failed", e);
            }
            batch.clear();
        }
    }

    /**
     * Proposes the launches (or skips) of due fires as one Raft entry; a slot already recorded
     * is dropped here or, when a leader change raced, by the command itself.
     */
    void fire(List<Fire> batch) {
        if (!cluster.isLeader()) {
            return;
        }
        ClusterState s = cluster.state();
        List<Cluster.PeriodicLaunchRequest> requests = new java.util.ArrayList<>();
        // one fire per job and batch, the latest: two slots of one job judged on the same image
        // could both launch under prohibit_overlap
        Map<String, Fire> latest = new java.util.LinkedHashMap<>();
        for (Fire f : batch) {
            latest.merge(f.key(), f, (a, b) -> a.slot() >= b.slot() ? a : b);
        }
        for (Fire f : latest.values()) {
            int sep = f.key().indexOf('\0');
            String ns = f.key().substring(0, sep);
            String id = f.key().substring(sep + 1);
            Job parent = s.job(ns, id).orElse(null);
            if (parent == null || !isActive(parent)
                    || s.periodicLaunch(ns, id).map(l -> l.lastSlot() >= f.slot()).orElse(false)) {
                continue;
            }
            if (parent.periodic().prohibitOverlap() && childRunning(s, parent)) {
                requests.add(new Cluster.PeriodicLaunchRequest(ns, id, f.slot(), null,
                        PeriodicLaunchPlanner.OVERLAP_REASON, false));
            } else {
                Job child = ChildJobs.periodicChild(parent, new LaunchSlot(Instant.ofEpochSecond(f.slot())));
                requests.add(new Cluster.PeriodicLaunchRequest(ns, id, f.slot(), child, null, false));
            }
        }
        if (requests.isEmpty()) {
            return;
        }
        try {
            cluster.launchPeriodic(requests);
        } catch (ClusterException e) {
            LOG.warn("{} periodic launches not recorded: {}", requests.size(), e.getMessage());
        }
    }

    /**
     * Launches a child now, whatever the schedule and {@code prohibit_overlap} say (Nomad's
     * {@code periodic force}); works on any server.
     *
     * @throws ClusterException 404 for an unknown job, 400 when it is not periodic
     */
    public Cluster.PeriodicLaunchResult force(String namespace, String jobId) throws ClusterException {
        return force(cluster, clock.instant(), namespace, jobId);
    }

    /** {@link #force(String, String)} without a service: for the HTTP API of any server. */
    public static Cluster.PeriodicLaunchResult force(Cluster cluster, Instant at, String namespace,
                                                     String jobId) throws ClusterException {
        String ns = namespace == null || namespace.isEmpty() ? "default" : namespace;
        Job parent = cluster.state().job(ns, jobId)
                .orElseThrow(() -> ClusterException.notFound("job not found: " + jobId));
        if (!parent.isPeriodic() || parent.isParameterized()) {
            throw ClusterException.badRequest("job \"" + jobId + "\" is not periodic");
        }
        long now = at.getEpochSecond();
        Job child = ChildJobs.periodicChild(parent, new LaunchSlot(Instant.ofEpochSecond(now)));
        return cluster.launchPeriodic(new Cluster.PeriodicLaunchRequest(ns, jobId, now, child, null, true));
    }

    /** The next launch of an active periodic job after {@code now}; empty otherwise. */
    public static Optional<Instant> nextLaunch(Job job, Instant now) {
        if (!isActive(job)) {
            return Optional.empty();
        }
        try {
            return schedule(job.periodic()).next(now);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    // ---- pure helpers ----

    /** Nomad's {@code IsPeriodicActive}: periodic, enabled, not stopped, not a parameterized template. */
    static boolean isActive(Job j) {
        return j.isPeriodic() && j.periodic().enabled() && !j.stop() && !j.isParameterized();
    }

    static CronSchedule schedule(PeriodicConfig p) {
        return CronSchedule.ofNomad(p.allSpecs(), ZoneId.of(p.timeZone()));
    }

    /**
     * The recorded last slot or, never launched, when the job became periodic (Nomad records
     * the insertion time as the first launch): the submit time of the oldest consecutive
     * periodic version.
     */
    static Instant lastLaunch(ClusterState s, Job j) {
        Optional<PeriodicLaunch> record = s.periodicLaunch(j.namespace(), j.id());
        if (record.isPresent() && record.get().lastSlot() > 0) {
            return Instant.ofEpochSecond(record.get().lastSlot());
        }
        long submit = j.submitTime();
        for (Job v : s.jobVersions(j.namespace(), j.id())) {
            if (!v.isPeriodic()) {
                break;
            }
            submit = v.submitTime();
        }
        return Instant.ofEpochSecond(0, submit);
    }

    /**
     * Nomad's overlap rule: a child that is not dead counts as running; here, one with a live
     * allocation, or none yet while it is not dead (placement pending).
     */
    static boolean childRunning(ClusterState s, Job parent) {
        for (Job child : s.childJobs(parent.namespace(), parent.id())) {
            if (child.stop() || Job.STATUS_DEAD.equals(child.status())) {
                continue;
            }
            List<Allocation> allocs = s.allocsByJob(child.namespace(), child.id());
            if (allocs.isEmpty() || allocs.stream().anyMatch(a -> !a.isTerminal())) {
                return true;
            }
        }
        return false;
    }

    static String key(String namespace, String id) {
        return (namespace == null ? "default" : namespace) + '\0' + id;
    }
}
