package dev.caravan.bench;

import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ServerConfig;
import dev.caravan.reconciler.git.SourceConfig;
import dev.caravan.reconciler.sync.SourceSyncer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Issue 8's large-repository figures: a repository of N job files (default 5,000) synced by one
 * {@link SourceSyncer} into a single real server (Ratis, every register through the Raft log):
 * the first sync; then a one-file change pushed with {@code git} and resynced (fetch, parse,
 * plan, apply), timed per pass; and the heap the source holds (used heap after GC, after the
 * first sync minus before it: snapshot, parse cache, and the jobs in the state). Prints JSON,
 * with the CPU time the first sync took per thread group (the syncing thread, the parallel
 * parse, the Raft state machine, the scheduler...), which says where it goes on a loaded
 * machine too.
 *
 * <p>Usage: {@code java -cp <bench classpath> dev.caravan.bench.GitopsLargeRepoBench [files]
 * [changes]}; {@code changes} 0 measures the first sync only (no waiting for the scheduler).
 * Run it with the JVM flags {@code ./caravan} starts the agent with ({@code -XX:+UseSerialGC
 * -XX:TieredStopAtLevel=1 -Xss512k}) to measure what the agent does: with the JVM's defaults
 * (C2 and G1), compiling and collecting take more CPU than the sync itself in a cold JVM (on
 * 2 cores, 13 s of CPU against 6 s for the same first sync). The flags used are printed.
 */
public final class GitopsLargeRepoBench {
  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int changes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path tmp = TempDirs.create("caravan-gitops-bench-");
    Path work = GitopsBenchSupport.repo(tmp, "jobs");
    for (int i = 0; i < files; i++) {
      GitopsBenchSupport.write(work.resolve(String.format("jobs/team-%02d/job-%05d.hcl", i % 50, i)),
          GitopsBenchSupport.job(String.format("job-%05d", i), 1));
    }
    GitopsBenchSupport.push(work, tmp, "five thousand jobs");
    String raft = "127.0.0.1:" + GitopsBenchSupport.freePort();
    try (ClusterServer server = ClusterServer.start(new ServerConfig("bench", tmp.resolve("server"),
        raft, List.of(raft), Clock.systemUTC()))) {
      while (!server.isLeader()) {
        Thread.sleep(20);
      }
      long heapBefore = usedHeapAfterGc();
      SourceConfig cfg = new SourceConfig("bench", tmp.resolve("jobs.git").toUri().toString(),
          "main", List.of("jobs/**/*.hcl"), Duration.ofSeconds(60));
      try (SourceSyncer syncer = new SourceSyncer(cfg, tmp.resolve("mirror"), server, r -> { })) {
        Map<String, Long> cpu0 = GitopsBenchSupport.cpuByThreadGroup();
        long t0 = System.nanoTime();
        SourceSyncer.SyncReport first = syncer.sync();
        long firstMs = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Long> firstCpu = GitopsBenchSupport.minus(
            GitopsBenchSupport.cpuByThreadGroup(), cpu0);
        if (first.error() != null || server.state().jobs().size() != files) {
          throw new IllegalStateException("first sync incomplete: " + first.error() + ", "
              + server.state().jobs().size() + " jobs");
        }
        long heapAfter = usedHeapAfterGc();
        // the scheduler works through the 5,000 evaluations of the first sync (each a Raft
        // write); resyncs are measured once it is idle, so that they do not queue behind it
        long drain0 = System.nanoTime();
        while (changes > 0
            && server.state().evals().stream().anyMatch(e -> "pending".equals(e.status()))
            && System.nanoTime() - drain0 < 600_000_000_000L) {
          Thread.sleep(200);
        }
        long drainMs = (System.nanoTime() - drain0) / 1_000_000;
        List<Long> resyncMs = new ArrayList<>();
        List<Long> resyncCpuMs = new ArrayList<>();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int c = 0; c < changes; c++) {
          int i = (c * 397) % files;
          GitopsBenchSupport.write(work.resolve(String.format("jobs/team-%02d/job-%05d.hcl", i % 50, i)),
              GitopsBenchSupport.job(String.format("job-%05d", i), 2 + c));
          GitopsBenchSupport.push(work, tmp, "scale job " + i);
          long t1 = System.nanoTime();
          long c1 = mx.getCurrentThreadCpuTime();
          SourceSyncer.SyncReport r = syncer.sync();
          resyncCpuMs.add((mx.getCurrentThreadCpuTime() - c1) / 1_000_000);
          resyncMs.add((System.nanoTime() - t1) / 1_000_000);
          if (r.error() != null) {
            throw new IllegalStateException(r.error());
          }
        }
        Collections.sort(resyncMs);
        Collections.sort(resyncCpuMs);
        if (changes == 0) { // the first sync only
          resyncMs.add(-1L);
          resyncCpuMs.add(-1L);
        }
        System.out.printf("{\"benchmark\":\"gitops-large-repo\",\"files\":%d,\"first_sync_ms\":%d,"
                + "\"one_file_resync_ms\":{\"runs\":%d,\"p50\":%d,\"max\":%d,\"all\":%s},"
                + "\"one_file_resync_cpu_ms_of_syncing_thread\":{\"p50\":%d,\"max\":%d},"
                + "\"source_heap_mb\":%d,\"scheduler_drain_after_first_sync_ms\":%d,"
                + "\"first_sync_cpu_ms_by_thread\":%s,\"jvm_flags\":\"%s\"}%n", files,
            firstMs, changes,
            GitopsBenchSupport.percentile(resyncMs, 0.5), resyncMs.get(resyncMs.size() - 1),
            resyncMs, GitopsBenchSupport.percentile(resyncCpuMs, 0.5),
            resyncCpuMs.get(resyncCpuMs.size() - 1), (heapAfter - heapBefore) / (1024 * 1024),
            drainMs, GitopsBenchSupport.json(firstCpu), GitopsBenchSupport.jvmFlags());
      }
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
