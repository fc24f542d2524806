package dev.caravan.reconciler.sync;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.structs.Job;
import dev.caravan.reconciler.git.GitSource;
import dev.caravan.reconciler.git.SourceConfig;
import dev.caravan.reconciler.git.SourceSnapshot;
import dev.caravan.reconciler.jobspec.Jobspec;
import dev.caravan.reconciler.jobspec.JobspecError;
import dev.caravan.reconciler.jobspec.JobspecException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs one source: fetch, parse each job file (only files whose blob changed are parsed
 * again), compare with the live job, register what differs with check-and-set. A file that
 * does not parse or validate leaves its live job untouched and is reported {@code Error}; a
 * fetch failure keeps the last synced state. Jobs apply in path order.
 */
public final class SourceSyncer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceSyncer.class);

  private final SourceConfig config;
  private final GitSource git;
  private final Cluster cluster;
  private final Consumer<SyncReport> listener;
  private final Map<String, Parsed> parsedByPath = new HashMap<>();
  private volatile SyncReport lastReport;

  public SourceSyncer(SourceConfig config, Path mirrorDir, Cluster cluster,
      Consumer<SyncReport> listener) {
    this.config = config;
    this.git = new GitSource(config, mirrorDir);
    this.cluster = cluster;
    this.listener = listener;
  }

  public SourceConfig config() {
    return config;
  }

  public Optional<SyncReport> lastReport() {
    return Optional.ofNullable(lastReport);
  }

  /** One pass; never throws: failures are in the report. One pass at a time per source. */
  public synchronized SyncReport sync() throws InterruptedException {
    SourceSnapshot snapshot;
    try {
      snapshot = git.fetch();
    } catch (IOException e) {
      LOG.warn("source {}: {}", config.name(), e.getMessage());
      SyncReport failed = new SyncReport(config.name(),
          lastReport == null ? null : lastReport.commit(), e.getMessage(),
          lastReport == null ? List.of() : lastReport.jobs());
      lastReport = failed;
      listener.accept(failed);
      return failed;
    }
    List<JobSyncState> states = new ArrayList<>();
    Map<String, String> pathByJob = new LinkedHashMap<>();
    for (Map.Entry<String, SourceSnapshot.File> file : snapshot.files().entrySet()) {
      String path = file.getKey();
      Parsed parsed = parse(path, file.getValue());
      if (!parsed.errors().isEmpty()) {
        parsed.errors().forEach(err -> LOG.warn("source {}: {}", config.name(), err));
        states.add(new JobSyncState(parsed.jobId(), path, SyncStatus.Error, null, parsed.errors()));
        continue;
      }
      Job job = withSourceMeta(parsed.job(), path, snapshot.commit());
      String other = pathByJob.putIfAbsent(job.id(), path);
      if (other != null) {
        states.add(new JobSyncState(job.id(), path, SyncStatus.Error, null,
            List.of(path + ": job \"" + job.id() + "\" is also defined in " + other)));
        continue;
      }
      states.add(apply(job, path, snapshot.commit()));
    }
    SyncReport report = new SyncReport(config.name(), snapshot.commit(), null, states);
    lastReport = report;
    listener.accept(report);
    return report;
  }

  private Parsed parse(String path, SourceSnapshot.File file) {
    Parsed cached = parsedByPath.get(path);
    if (cached != null && cached.blobId().equals(file.blobId())) {
      return cached;
    }
    Parsed parsed;
    if (file.content() == null) {
      parsed = new Parsed(file.blobId(), null, null, List.of(path + ":1:1: file is larger than 1 MiB"));
    } else {
      try {
        Job job = Jobspec.parse(path, file.content());
        parsed = new Parsed(file.blobId(), job.id(), job, List.of());
      } catch (JobspecException e) {
        parsed = new Parsed(file.blobId(), null, null,
            e.errors().stream().map(JobspecError::toString).toList());
      }
    }
    parsedByPath.put(path, parsed);
    return parsed;
  }

  private Job withSourceMeta(Job job, String path, String commit) {
    Map<String, String> meta = new LinkedHashMap<>(job.meta());
    meta.put(JobComparison.META_SOURCE, config.name());
    meta.put(JobComparison.META_PATH, path);
    meta.put(JobComparison.META_COMMIT, commit);
    return job.toBuilder().meta(meta).build();
  }

  /** Registers the job unless live already equals it; a CAS conflict re-reads and retries once. */
  private JobSyncState apply(Job job, String path, String commit) throws InterruptedException {
    for (int attempt = 0; attempt < 2; attempt++) {
      Optional<Job> live = cluster.state().job(job.namespace(), job.id());
      if (live.isPresent() && !live.get().stop() && JobComparison.sameSpec(job, live.get())) {
        String liveCommit = live.get().meta().get(JobComparison.META_COMMIT);
        return new JobSyncState(job.id(), path, SyncStatus.Synced, liveCommit, List.of());
      }
      long index = live.map(Job::jobModifyIndex).orElse(0L);
      try {
        cluster.registerJob(new Cluster.JobRegisterRequest(job, true, index));
        LOG.info("source {}: registered job {} from {} at {}", config.name(), job.id(), path,
            commit.substring(0, Math.min(8, commit.length())));
        return new JobSyncState(job.id(), path, SyncStatus.Synced, commit, List.of());
      } catch (ClusterException e) {
        if (e.status() != 409) {
          return new JobSyncState(job.id(), path, SyncStatus.Error, null,
              List.of(path + ": " + e.getMessage()));
        }
      }
    }
    return new JobSyncState(job.id(), path, SyncStatus.OutOfSync, null,
        List.of(path + ": the job changed while it was being applied; retrying next pass"));
  }

  @Override
  public void close() {
    git.close();
  }

  private record Parsed(String blobId, String jobId, Job job, List<String> errors) {}

  /** The outcome of one pass: the commit synced (or kept), a fetch error, per-job states. */
  public record SyncReport(String source, String commit, String error, List<JobSyncState> jobs) {
    public SyncReport {
      jobs = jobs == null ? List.of() : List.copyOf(jobs);
    }
  }
}
