package dev.caravan.bench;

import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ServerConfig;
import dev.caravan.reconciler.git.SourceConfig;
import dev.caravan.reconciler.sync.SourceReconciler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Issue 8's idle figure: S sources (default 50), each a repository of 3 job files that never
 * changes, polled by one {@link SourceReconciler} on a real single server at a shortened
 * interval (default 1 s). After the first syncs, the CPU time of the reconciler's threads
 * ({@code gitops-*}) over a window is measured and scaled to the production 60 s interval
 * (polling cost is linear in the number of polls). Prints JSON.
 *
 * <p>Usage: {@code ... dev.caravan.bench.GitopsIdleSourcesBench [sources] [interval_ms] [window_s]}.
 */
public final class GitopsIdleSourcesBench {
  public static void main(String[] args) throws Exception {
    int sources = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    long intervalMs = args.length > 1 ? Long.parseLong(args[1]) : 1000;
    int windowS = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    Path tmp = TempDirs.create("caravan-idle-bench-");
    String raft = "127.0.0.1:" + GitopsBenchSupport.freePort();
    try (ClusterServer server = ClusterServer.start(new ServerConfig("bench", tmp.resolve("server"),
        raft, List.of(raft), Clock.systemUTC()));
        SourceReconciler rec = new SourceReconciler(server, tmp.resolve("sources"),
            Clock.systemUTC(), new SplittableRandom(1), r -> { })) {
      while (!server.isLeader()) {
        Thread.sleep(20);
      }
      rec.start();
      for (int s = 0; s < sources; s++) {
        Path work = GitopsBenchSupport.repo(tmp, "src" + s);
        for (int j = 0; j < 3; j++) {
          GitopsBenchSupport.write(work.resolve("jobs/j" + j + ".hcl"),
              GitopsBenchSupport.job("s" + s + "-j" + j, 1));
        }
        GitopsBenchSupport.push(work, tmp, "jobs");
        rec.add(new SourceConfig("src" + s, tmp.resolve("src" + s + ".git").toUri().toString(),
            "main", null, Duration.ofMillis(intervalMs)));
      }
      while (server.state().jobs().size() < sources * 3) {
        Thread.sleep(100);
      }
      Thread.sleep(3 * intervalMs);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu0 = gitopsCpu(threads);
      long wall0 = System.nanoTime();
      Thread.sleep(windowS * 1000L);
      long cpu = gitopsCpu(threads) - cpu0;
      long wall = System.nanoTime() - wall0;
      double pct = 100.0 * cpu / wall;
      double scaled = pct * intervalMs / 60_000.0;
      System.out.printf("{\"benchmark\":\"gitops-idle-sources\",\"sources\":%d,\"interval_ms\":%d,"
              + "\"window_s\":%d,\"polls_per_source\":%.1f,\"cpu_pct_of_one_core\":%.2f,"
              + "\"scaled_to_60s_interval_pct\":%.3f}%n", sources, intervalMs, windowS,
          (double) windowS * 1000 / intervalMs, pct, scaled);
    }
  }

  private static long gitopsCpu(ThreadMXBean threads) {
    long total = 0;
    for (long id : threads.getAllThreadIds()) {
      var info = threads.getThreadInfo(id);
      if (info != null && info.getThreadName().startsWith("gitops-")) {
        long t = threads.getThreadCpuTime(id);
        total += Math.max(0, t);
      }
    }
    return total;
  }
}
