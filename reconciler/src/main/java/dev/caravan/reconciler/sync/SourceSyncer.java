package dev.caravan.reconciler.sync;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.SourceSyncRecord;
import dev.caravan.reconciler.git.GitSource;
import dev.caravan.reconciler.git.SourceConfig;
import dev.caravan.reconciler.git.SourceSnapshot;
import dev.caravan.reconciler.jobspec.Jobspec;
import dev.caravan.reconciler.jobspec.JobspecError;
import dev.caravan.reconciler.jobspec.JobspecException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs one source, one pass at a time: fetch (incremental), parse each job file (only files
 * whose blob changed are parsed again, all of them when the variable files changed), decide
 * with {@link SyncDecider}, then register or prune what differs, in path order, with
 * check-and-set on the job modify index (a conflict re-reads and decides again). A file that
 * does not parse or validate leaves its live job untouched ({@code Error}); a fetch failure
 * keeps the last synced state and is reported with the time of the last success. Passes that
 * change something, and failed passes, are recorded in the replicated sync history.
 */
public final class SourceSyncer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceSyncer.class);
  private static final int CAS_ATTEMPTS = 3;
  /** Jobs registered per Raft write in a pass (bounded so one log entry stays small). */
  static final int BATCH = 200;
  /** From this many files to parse in one pass on, they are parsed in parallel. */
  private static final int PARALLEL_PARSE = 64;

  private final SourceConfig config;
  private final GitSource git;
  private final Cluster cluster;
  private final Consumer<SyncReport> listener;
  private final Clock clock;
  private final JobClaims claims;
  private final Map<String, Parsed> parsedByPath = new HashMap<>();
  private final Set<String> known = new HashSet<>();
  private final Set<String> healed = new HashSet<>();
  private Map<String, SyncDecider.Synced> synced = Map.of();
  private Map<String, String> vars = Map.of();
  private List<String> varErrors = List.of();
  private Map<String, String> varSources;
  private SourceSnapshot snapshot;
  private String syncedCommit;
  private long lastSuccessAt;
  private String lastRecordedFailure;
  private volatile Map<Watched, Long> watched = Map.of();
  private volatile Map<String, String> namespaces = Map.of();
  private volatile SyncReport lastReport;

  public SourceSyncer(SourceConfig config, Path mirrorDir, Cluster cluster,
      Consumer<SyncReport> listener) {
    this(config, mirrorDir, cluster, listener, Clock.systemUTC(), new JobClaims());
  }

  public SourceSyncer(SourceConfig config, Path mirrorDir, Cluster cluster,
      Consumer<SyncReport> listener, Clock clock, JobClaims claims) {
    this.config = config;
    this.git = new GitSource(config, mirrorDir);
    this.cluster = cluster;
    this.listener = listener;
    this.clock = clock;
    this.claims = claims;
  }

  public SourceConfig config() {
    return config;
  }

  public Optional<SyncReport> lastReport() {
    return Optional.ofNullable(lastReport);
  }

  /**
   * The plan of {@code ref} (branch, tag or commit) against the live cluster; changes nothing.
   *
   * @throws IOException when the ref cannot be fetched or found
   */
  public dev.caravan.reconciler.plan.SourcePlan plan(String ref) throws IOException {
    SourceSnapshot snap = git.fetchRef(ref);
    return SourcePlanner.plan(config, snap, ref, cluster.state(), claims);
  }

  /** The last report with each job's health judged again from the latest state. */
  public Optional<SyncReport> status() {
    SyncReport r = lastReport;
    if (r == null) {
      return Optional.empty();
    }
    ClusterState s = cluster.state();
    List<JobSyncState> jobs = new ArrayList<>();
    for (JobSyncState j : r.jobs()) {
      Job live = j.jobId() == null ? null : s.job(jobNamespace(j), j.jobId()).orElse(null);
      if (live == null) {
        jobs.add(j.withHealth(null));
        continue;
      }
      List<Deployment> deps = s.deploymentsByJob(live.namespace(), live.id());
      jobs.add(j.withHealth(JobHealth.of(live, s.allocsByJob(live.namespace(), live.id()),
          deps.isEmpty() ? null : deps.get(0))));
    }
    return Optional.of(new SyncReport(r.source(), r.commit(), r.error(), jobs, r.attemptedAt(),
        r.lastSuccessAt(), r.durationNanos()));
  }

  private String jobNamespace(JobSyncState j) {
    return namespaces.getOrDefault(j.jobId(), "default");
  }

  /** The source's Git mirror, for plans and reverts. */
  public GitSource git() {
    return git;
  }

  /** One full pass (fetch first); never throws: failures are in the report. */
  public SyncReport sync() throws InterruptedException {
    return sync(SyncOptions.POLL);
  }

  /**
   * One pass; never throws: failures are in the report. One pass at a time per source.
   * Without {@code fetch} the last fetched commit is compared with the live state again (drift).
   */
  public synchronized SyncReport sync(SyncOptions options) throws InterruptedException {
    long started = System.nanoTime();
    long attemptedAt = clock.millis();
    if (options.fetch() || snapshot == null) {
      try {
        snapshot = git.fetch(snapshot);
      } catch (IOException e) {
        return fetchFailed(e, attemptedAt, started);
      }
    }
    long fetched = System.nanoTime();
    SourceSnapshot snap = snapshot;
    readVars(snap);
    parseMissing(snap.files());
    List<SyncDecider.Desired> desired = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (Map.Entry<String, SourceSnapshot.File> f : new TreeMap<>(snap.files()).entrySet()) {
      SyncDecider.Desired d = desired(f.getKey(), f.getValue(), snap.commit());
      desired.add(d);
      if (d.job() != null) {
        keys.add(JobClaims.key(d.job().namespace(), d.job().id()));
      }
    }
    long parsed = System.nanoTime();
    claims.publish(config.name(), keys);
    Map<String, String> elsewhere = claims.claimedElsewhere(config.name(), keys);
    SyncDecider.Outcome outcome = SyncDecider.decide(desired,
        context(snap, cluster.state(), elsewhere, options.allowMassPrune()));
    Map<String, List<String>> pathsById = new HashMap<>();
    for (SyncDecider.Desired d : desired) {
      if (d.job() != null) {
        pathsById.computeIfAbsent(JobClaims.key(d.job().namespace(), d.job().id()),
            k -> new ArrayList<>()).add(d.path());
      }
    }
    Map<String, SyncDecider.Desired> byPath = new HashMap<>();
    desired.forEach(d -> byPath.put(d.path(), d));
    long decided = System.nanoTime();
    List<SyncDecider.Decision> decisions = outcome.decisions();
    List<Applied> applied = new ArrayList<>(java.util.Collections.nCopies(decisions.size(), null));
    registerInBatches(decisions, applied, snap);
    for (int i = 0; i < decisions.size(); i++) {
      if (applied.get(i) == null) {
        SyncDecider.Decision d = decisions.get(i);
        if (d.action() == SyncAction.Create || d.action() == SyncAction.Update) {
          // refused by check-and-set in the batch: read again and decide again
          d = SyncDecider.decideOne(byPath.get(d.path()),
              context(snap, cluster.state(), elsewhere, options.allowMassPrune()), pathsById);
        }
        applied.set(i, execute(d, byPath.get(d.path()), snap, elsewhere, pathsById));
      }
    }
    long appliedAt = System.nanoTime();
    ClusterState after = cluster.state();
    List<JobSyncState> states = states(applied, after);
    rememberKnown(applied, after);
    rememberSynced(applied, after, byPath);
    syncedCommit = snap.commit();
    lastSuccessAt = attemptedAt;
    long duration = System.nanoTime() - started;
    SyncReport report = new SyncReport(config.name(), snap.commit(), outcome.refusal(), states,
        attemptedAt, lastSuccessAt, duration);
    record(snap, applied, outcome.refusal(), attemptedAt, duration);
    LOG.debug("source {}: pass at {}: fetch {} ms, parse {} ms, decide {} ms, apply {} ms, "
        + "report {} ms", config.name(), shortSha(snap.commit()), (fetched - started) / 1_000_000,
        (parsed - fetched) / 1_000_000, (decided - parsed) / 1_000_000,
        (appliedAt - decided) / 1_000_000, (System.nanoTime() - appliedAt) / 1_000_000);
    lastReport = report;
    listener.accept(report);
    return report;
  }

  private SyncReport fetchFailed(IOException e, long attemptedAt, long started) {
    String error = e.getMessage() + (syncedCommit == null ? "; nothing synced yet"
        : "; keeping commit " + shortSha(syncedCommit) + " synced at "
            + Instant.ofEpochMilli(lastSuccessAt));
    LOG.warn("source {}: {}", config.name(), error);
    SyncReport failed = new SyncReport(config.name(), syncedCommit, error,
        lastReport == null ? List.of() : lastReport.jobs(), attemptedAt, lastSuccessAt,
        System.nanoTime() - started);
    if (!Objects.equals(lastRecordedFailure, e.getMessage())) {
      lastRecordedFailure = e.getMessage();
      recordQuietly(new SourceSyncRecord(config.name(), syncedCommit, null, null, 0, List.of(),
          SourceSyncRecord.OUTCOME_FAILED, error, attemptedAt * 1_000_000L,
          failed.durationNanos(), 0));
    }
    lastReport = failed;
    listener.accept(failed);
    return failed;
  }

  private SyncDecider.Context context(SourceSnapshot snap, ClusterState state,
      Map<String, String> elsewhere, boolean allowMassPrune) {
    return new SyncDecider.Context(config, snap.commit(), state, elsewhere, known, healed,
        allowMassPrune, (liveCommit, livePath, path, blobId) -> gitChanged(snap, liveCommit,
            livePath, path, blobId), synced);
  }

  /** True when the job's file (or a variable file) differs between its live commit and now. */
  private boolean gitChanged(SourceSnapshot snap, String liveCommit, String livePath,
      String path, String blobId) {
    if (liveCommit == null || livePath == null || !livePath.equals(path)) {
      return true;
    }
    if (liveCommit.equals(snap.commit())) {
      return false;
    }
    Optional<String> then = git.blobAt(liveCommit, livePath);
    if (then.isEmpty() || !then.get().equals(blobId)) {
      return true;
    }
    for (String vf : config.varFiles()) {
      if (!git.blobAt(liveCommit, vf).equals(git.blobAt(snap.commit(), vf))) {
        return true;
      }
    }
    return false;
  }

  /** Parses the variable files; when they changed every job file is parsed again. */
  private void readVars(SourceSnapshot snap) {
    if (snap.varFiles().equals(varSources)) {
      return;
    }
    varSources = snap.varFiles();
    parsedByPath.clear();
    synced = Map.of();
    Vars v = Vars.parse(config.varFiles(), snap);
    vars = v.values();
    varErrors = v.errors();
  }

  /** Variables from a commit's variable files, or what keeps them from being read. */
  record Vars(Map<String, String> values, List<String> errors) {
    static Vars parse(List<String> varFiles, SourceSnapshot snap) {
      Map<String, String> out = new TreeMap<>();
      List<String> errors = new ArrayList<>();
      for (String vf : varFiles) {
        String text = snap.varFiles().get(vf);
        if (text == null) {
          errors.add(vf + ":1:1: variable file not found at " + shortSha(snap.commit()));
          continue;
        }
        try {
          for (Map.Entry<String, Object> e : new HCLParser().parse(text).entrySet()) {
            out.put(e.getKey(), String.valueOf(e.getValue()));
          }
        } catch (Exception e) {
          errors.add(vf + ":1:1: " + e.getMessage());
        }
      }
      return new Vars(Map.copyOf(out), List.copyOf(errors));
    }
  }

  private SyncDecider.Desired desired(String path, SourceSnapshot.File file, String commit) {
    Parsed p = parse(path, file);
    if (!p.errors().isEmpty()) {
      return new SyncDecider.Desired(path, file.blobId(), null, p.errors());
    }
    return new SyncDecider.Desired(path, file.blobId(), p.job(), List.of());
  }

  /**
   * Parses every file the cache does not hold at its blob, on all cores when there are many
   * (a first sync); parsing is pure.
   */
  private void parseMissing(Map<String, SourceSnapshot.File> files) {
    List<Map.Entry<String, SourceSnapshot.File>> missing = new ArrayList<>();
    for (Map.Entry<String, SourceSnapshot.File> f : files.entrySet()) {
      Parsed cached = parsedByPath.get(f.getKey());
      if (cached == null || !cached.blobId().equals(f.getValue().blobId())) {
        missing.add(f);
      }
    }
    if (missing.size() < PARALLEL_PARSE) {
      return;
    }
    Map<String, Parsed> fresh = new java.util.concurrent.ConcurrentHashMap<>();
    missing.parallelStream().forEach(f ->
        fresh.put(f.getKey(), parseFile(f.getKey(), f.getValue())));
    parsedByPath.putAll(fresh);
  }

  private Parsed parse(String path, SourceSnapshot.File file) {
    Parsed cached = parsedByPath.get(path);
    if (cached != null && cached.blobId().equals(file.blobId())) {
      return cached;
    }
    Parsed parsed = parseFile(path, file);
    parsedByPath.put(path, parsed);
    return parsed;
  }

  private Parsed parseFile(String path, SourceSnapshot.File file) {
    Parsed parsed;
    if (!varErrors.isEmpty()) {
      parsed = new Parsed(file.blobId(), null, varErrors);
    } else if (file.content() == null) {
      parsed = new Parsed(file.blobId(), null, List.of(path + ":1:1: file is larger than 1 MiB"));
    } else {
      try {
        parsed = new Parsed(file.blobId(), withSourceMeta(config,
            Jobspec.parse(path, file.content(), vars), path, null), List.of());
      } catch (JobspecException e) {
        parsed = new Parsed(file.blobId(), null,
            e.errors().stream().map(JobspecError::toString).toList());
      }
    }
    if (!parsed.errors().isEmpty()) {
      parsed.errors().forEach(err -> LOG.warn("source {}: {}", config.name(), err));
    }
    return parsed;
  }

  /** The job with meta caravan.source, caravan.path and (unless null) caravan.commit. */
  static Job withSourceMeta(SourceConfig config, Job job, String path, String commit) {
    Map<String, String> meta = new LinkedHashMap<>(job.meta());
    meta.put(JobComparison.META_SOURCE, config.name());
    meta.put(JobComparison.META_PATH, path);
    if (commit != null) {
      meta.put(JobComparison.META_COMMIT, commit);
    }
    return job.toBuilder().meta(meta).build();
  }

  /** What is registered: the decided job stamped with the commit it comes from. */
  private static Job stamped(Job job, String commit) {
    Map<String, String> meta = new LinkedHashMap<>(job.meta());
    meta.put(JobComparison.META_COMMIT, commit);
    return job.toBuilder().meta(meta).build();
  }

  /**
   * Registers every create and update of the pass in path order, {@link #BATCH} jobs per Raft
   * write; what check-and-set refuses is left null for {@link #execute} to decide again.
   */
  private void registerInBatches(List<SyncDecider.Decision> decisions, List<Applied> applied,
      SourceSnapshot snap) {
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < decisions.size(); i++) {
      SyncAction a = decisions.get(i).action();
      if (a == SyncAction.Create || a == SyncAction.Update) {
        pending.add(i);
      }
    }
    int created = 0;
    int updated = 0;
    for (int from = 0; from < pending.size(); from += BATCH) {
      List<Integer> chunk = pending.subList(from, Math.min(pending.size(), from + BATCH));
      List<Cluster.JobRegisterRequest> requests = new ArrayList<>();
      for (int i : chunk) {
        SyncDecider.Decision d = decisions.get(i);
        requests.add(new Cluster.JobRegisterRequest(stamped(d.job(), snap.commit()), true,
            d.live() == null ? 0 : d.live().jobModifyIndex()));
      }
      List<Cluster.BatchOutcome> outcomes;
      try {
        outcomes = cluster.registerJobs(requests);
      } catch (ClusterException e) {
        for (int i : chunk) {
          SyncDecider.Decision d = decisions.get(i);
          applied.set(i, new Applied(d, SyncStatus.Error, List.of(d.path() + ": "
              + e.getMessage()), -1));
        }
        continue;
      }
      ClusterState s = cluster.state();
      for (int k = 0; k < chunk.size(); k++) {
        int i = chunk.get(k);
        SyncDecider.Decision d = decisions.get(i);
        Cluster.BatchOutcome o = outcomes.get(k);
        if (o.status() == 200) {
          if (d.heal()) {
            healed.add(JobClaims.key(d.namespace(), d.jobId()) + "@" + snap.commit());
          }
          if (d.action() == SyncAction.Create) {
            created++;
          } else {
            updated++;
          }
          LOG.debug("source {}: {} job {} from {}", config.name(), d.action(), d.jobId(), d.path());
          applied.set(i, new Applied(d, SyncStatus.Synced, d.messages(),
              s.job(d.namespace(), d.jobId()).map(Job::version).orElse(-1L),
              o.result() == null ? -1L : o.result().jobModifyIndex()));
        } else if (o.status() != 409) {
          applied.set(i, new Applied(d, SyncStatus.Error, List.of(d.path() + ": " + o.message()),
              -1));
        }
      }
    }
    if (created + updated > 0) {
      LOG.info("source {}: applied {} at {}: {} created, {} updated", config.name(),
          created + updated == 1 ? "1 job" : (created + updated) + " jobs", shortSha(snap.commit()),
          created, updated);
    }
  }

  /** Carries out one decision; a check-and-set conflict re-reads the job and decides again. */
  private Applied execute(SyncDecider.Decision decision, SyncDecider.Desired desired,
      SourceSnapshot snap, Map<String, String> elsewhere, Map<String, List<String>> pathsById)
      throws InterruptedException {
    SyncDecider.Decision d = decision;
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      switch (d.action()) {
        case None -> {
          return new Applied(d, d.status(), d.messages(), -1);
        }
        case Delete -> {
          return prune(d);
        }
        default -> { }
      }
      long index = d.live() == null ? 0 : d.live().jobModifyIndex();
      try {
        Cluster.JobRegisterResult registered = cluster.registerJob(new Cluster.JobRegisterRequest(
            stamped(d.job(), snap.commit()), true, index));
        if (d.heal()) {
          healed.add(JobClaims.key(d.namespace(), d.jobId()) + "@" + snap.commit());
        }
        LOG.info("source {}: {} job {} from {} at {}{}", config.name(),
            d.action() == SyncAction.Create ? "created" : "updated", d.jobId(), d.path(),
            shortSha(snap.commit()), d.heal() ? " (self-heal)" : "");
        long version = cluster.state().job(d.namespace(), d.jobId()).map(Job::version).orElse(-1L);
        return new Applied(d, SyncStatus.Synced, d.messages(), version,
            registered.jobModifyIndex());
      } catch (ClusterException e) {
        if (e.status() != 409) {
          return new Applied(d, SyncStatus.Error, List.of(d.path() + ": " + e.getMessage()), -1);
        }
        LOG.info("source {}: job {} changed while it was applied; deciding again", config.name(),
            d.jobId());
        d = SyncDecider.decideOne(desired,
            context(snap, cluster.state(), elsewhere, false), pathsById);
      }
    }
    return new Applied(d, SyncStatus.OutOfSync, List.of(d.path()
        + ": the job kept changing while it was applied; retrying next pass"), -1);
  }

  private Applied prune(SyncDecider.Decision d) {
    Job now = cluster.state().job(d.namespace(), d.jobId()).orElse(null);
    if (now == null || now.stop() || now.jobModifyIndex() != d.live().jobModifyIndex()) {
      return new Applied(d, SyncStatus.OutOfSync,
          List.of(d.path() + ": changed while it was pruned; deciding again next pass"), -1);
    }
    try {
      cluster.deregisterJob(d.namespace(), d.jobId(), false);
      LOG.info("source {}: pruned job {} ({} was deleted from Git)", config.name(), d.jobId(),
          d.path());
      long version = cluster.state().job(d.namespace(), d.jobId()).map(Job::version).orElse(-1L);
      return new Applied(d, SyncStatus.Pruning, d.messages(), version);
    } catch (ClusterException e) {
      return new Applied(d, SyncStatus.Error, List.of(d.path() + ": prune: " + e.getMessage()), -1);
    }
  }

  private List<JobSyncState> states(List<Applied> applied, ClusterState s) {
    Map<String, List<Allocation>> allocs = new HashMap<>();
    for (Allocation a : s.allocs()) {
      allocs.computeIfAbsent(JobClaims.key(a.namespace(), a.jobId()), k -> new ArrayList<>()).add(a);
    }
    Map<String, Deployment> latest = new HashMap<>();
    for (Deployment dep : s.deployments()) {
      latest.merge(JobClaims.key(dep.namespace(), dep.jobId()), dep,
          (x, y) -> x.createIndex() >= y.createIndex() ? x : y);
    }
    List<JobSyncState> out = new ArrayList<>();
    Map<Watched, Long> watch = new HashMap<>();
    for (Applied a : applied) {
      SyncDecider.Decision d = a.decision();
      Job live = d.jobId() == null ? null : s.job(d.namespace(), d.jobId()).orElse(null);
      String key = d.jobId() == null ? null : JobClaims.key(d.namespace(), d.jobId());
      Health health = live == null ? null
          : JobHealth.of(live, allocs.getOrDefault(key, List.of()), latest.get(key));
      String commit = live == null ? null : live.meta().get(JobComparison.META_COMMIT);
      out.add(new JobSyncState(d.jobId(), d.path(), a.status(), commit, a.messages(), health,
          d.action(), d.diff()));
      if (d.jobId() != null && a.status() != SyncStatus.Error) {
        watch.put(new Watched(d.namespace(), d.jobId()), a.watchIndex());
      }
    }
    watched = Map.copyOf(watch);
    Map<String, String> ns = new HashMap<>();
    watch.keySet().forEach(w -> ns.put(w.id(), w.namespace() == null ? "default" : w.namespace()));
    namespaces = Map.copyOf(ns);
    return out;
  }

  private void rememberSynced(List<Applied> applied, ClusterState s,
      Map<String, SyncDecider.Desired> byPath) {
    Map<String, SyncDecider.Synced> next = new HashMap<>();
    for (Applied a : applied) {
      SyncDecider.Decision d = a.decision();
      SyncDecider.Desired desired = byPath.get(d.path());
      if (a.status() != SyncStatus.Synced || desired == null || d.jobId() == null) {
        continue;
      }
      s.job(d.namespace(), d.jobId()).filter(j -> !j.stop()).ifPresent(live ->
          next.put(d.path(), new SyncDecider.Synced(desired.blobId(), live.jobModifyIndex())));
    }
    synced = next;
  }

  private void rememberKnown(List<Applied> applied, ClusterState s) {
    for (Applied a : applied) {
      SyncDecider.Decision d = a.decision();
      if (d.jobId() == null) {
        continue;
      }
      String key = JobClaims.key(d.namespace(), d.jobId());
      if (a.status() == SyncStatus.Synced) {
        known.add(key);
      } else if (a.status() == SyncStatus.Pruning) {
        known.remove(key);
      }
    }
  }

  /**
   * True when a job this source watches changed or disappeared in {@code state} since the
   * last pass: a drift pass is due. Cheap: one lookup per job of the source.
   */
  public boolean liveChanged(ClusterState state) {
    for (Map.Entry<Watched, Long> e : watched.entrySet()) {
      Job j = state.job(e.getKey().namespace(), e.getKey().id()).orElse(null);
      long now = j == null || j.stop() ? -1L : j.jobModifyIndex();
      if (now != e.getValue()) {
        return true;
      }
    }
    return false;
  }

  private void record(SourceSnapshot snap, List<Applied> applied, String refusal,
      long attemptedAt, long duration) {
    List<SourceSyncRecord.JobChange> changes = new ArrayList<>();
    boolean failed = refusal != null;
    for (Applied a : applied) {
      SyncDecider.Decision d = a.decision();
      if (a.version() >= 0) {
        changes.add(new SourceSyncRecord.JobChange(d.jobId(), d.namespace(), d.path(),
            d.action().name(), a.version()));
      }
      if (d.action() != SyncAction.None && a.version() < 0) {
        failed = true;
      }
    }
    String error = refusal;
    if (failed && error == null) {
      error = applied.stream().filter(a -> a.decision().action() != SyncAction.None
          && a.version() < 0).flatMap(a -> a.messages().stream()).findFirst().orElse(null);
    }
    String failure = failed ? snap.commit() + " " + error : null;
    if (changes.isEmpty() && (!failed || failure.equals(lastRecordedFailure))) {
      lastRecordedFailure = failure;
      return;
    }
    lastRecordedFailure = failure;
    recordQuietly(new SourceSyncRecord(config.name(), snap.commit(), snap.author(), snap.message(),
        snap.commitTime() * 1_000_000L, changes,
        failed ? SourceSyncRecord.OUTCOME_FAILED : SourceSyncRecord.OUTCOME_SUCCEEDED, error,
        attemptedAt * 1_000_000L, duration, 0));
  }

  private void recordQuietly(SourceSyncRecord r) {
    try {
      cluster.recordSourceSync(r);
    } catch (ClusterException e) {
      LOG.warn("source {}: could not record the sync pass: {}", config.name(), e.getMessage());
    }
  }

  static String shortSha(String sha) {
    return sha == null ? "-" : sha.substring(0, Math.min(8, sha.length()));
  }

  @Override
  public void close() {
    claims.remove(config.name());
    git.close();
  }

  private record Parsed(String blobId, Job job, List<String> errors) {}

  /**
   * One decision carried out. {@code watchIndex} is the job's modify index as this pass left it
   * (what it registered, else what it decided on; -1 for none): the drift watch compares the
   * live job with it, so a change made while the pass ran is still seen as drift.
   */
  private record Applied(SyncDecider.Decision decision, SyncStatus status, List<String> messages,
      long version, long watchIndex) {
    Applied(SyncDecider.Decision decision, SyncStatus status, List<String> messages, long version) {
      this(decision, status, messages, version, decision.live() == null || decision.live().stop()
          ? -1L : decision.live().jobModifyIndex());
    }
  }

  private record Watched(String namespace, String id) {}

  /** How a pass runs: fetch first (poll, webhook) or only compare again (drift); mass prune. */
  public record SyncOptions(boolean fetch, boolean allowMassPrune) {
    public static final SyncOptions POLL = new SyncOptions(true, false);
    public static final SyncOptions LIVE = new SyncOptions(false, false);
  }

  /**
   * The outcome of one pass: the commit synced (or kept), the pass's error (fetch failure or
   * prune refusal), per-job states, when it was attempted and last succeeded (Unix millis),
   * and how long it took.
   */
  public record SyncReport(String source, String commit, String error, List<JobSyncState> jobs,
      long attemptedAt, long lastSuccessAt, long durationNanos) {
    public SyncReport {
      jobs = jobs == null ? List.of() : List.copyOf(jobs);
    }

    public SyncReport(String source, String commit, String error, List<JobSyncState> jobs) {
      this(source, commit, error, jobs, 0, 0, 0);
    }
  }
}
