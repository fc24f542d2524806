package dev.caravan.bench;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.server.ServerConfig;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.PeriodicConfig;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.periodic.PeriodicService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Issue 7's launch lateness: {@code jobs} periodic jobs on one cron (default every minute,
 * {@code * * * * *}) on a single server with its periodic launcher; for {@code slots} fire
 * times, lateness = the time the child job is applied on the server minus its scheduled slot.
 * No client nodes: children are registered and evaluated (their evals block), not run. Prints JSON.
 *
 * <p>Usage: {@code java -cp <classpath> dev.caravan.bench.PeriodicLaunchBench [jobs] [slots]
 * [cron]}.
 */
public final class PeriodicLaunchBench {
  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int slots = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String cron = args.length > 2 ? args[2] : "* * * * *";
    Path dir = TempDirs.create("caravan-periodic-bench-");
    String addr = "127.0.0.1:" + freePort();
    try (ClusterServer server = ClusterServer.start(ServerConfig.singleNode("bench", dir, addr));
         PeriodicService periodic = new PeriodicService(server, Clock.systemUTC())) {
      server.addLeadershipListener(periodic);
      while (!server.isLeader()) {
        Thread.sleep(20);
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> registered = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        Job job = job("cron-" + i, cron);
        registered.add(pool.submit(() -> server.registerJob(new Cluster.JobRegisterRequest(job, false, 0))));
      }
      for (Future<?> f : registered) {
        f.get();
      }
      pool.shutdown();

      int expected = jobs * slots;
      List<Long> latenessMillis = new ArrayList<>(expected);
      Set<String> seen = new HashSet<>();
      // the first `slots` fire times after every job is registered (earlier ones may be partial)
      Set<Long> slotSet = new HashSet<>();
      dev.caravan.periodic.CronSchedule schedule = dev.caravan.periodic.CronSchedule.ofNomad(List.of(cron),
          java.time.ZoneOffset.UTC);
      java.time.Instant t = java.time.Instant.now();
      for (int i = 0; i < slots; i++) {
        t = schedule.next(t).orElseThrow();
        slotSet.add(t.getEpochSecond());
      }
      ClusterState s = server.state();
      long deadline = System.nanoTime() + Duration.ofMinutes(slots + 2L).toNanos();
      long nextProgress = 0;
      while (latenessMillis.size() < expected && System.nanoTime() < deadline) {
        s = server.awaitIndex(s.index(), Duration.ofSeconds(1));
        long appliedMillis = System.currentTimeMillis();
        if (System.nanoTime() > nextProgress) {
          System.err.printf("progress: %d/%d launches, index %d, jobs %d, evals %d%n", latenessMillis.size(),
              expected, s.index(), s.jobs().size(), s.evals().size());
          nextProgress = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        }
        for (Job j : s.jobs()) {
          if (j.parentId() != null && seen.add(j.id())) {
            long slot = Long.parseLong(j.id().substring(j.id().lastIndexOf('-') + 1));
            if (slotSet.contains(slot)) {
              latenessMillis.add(appliedMillis - slot * 1000);
            }
          }
        }
      }
      Collections.sort(latenessMillis);
      System.out.printf("{\"benchmark\":\"periodic-launch-lateness\",\"jobs\":%d,\"cron\":\"%s\",\"slots\":%d,"
              + "\"launches\":%d,\"expected\":%d,\"p50_ms\":%d,\"p99_ms\":%d,\"max_ms\":%d}%n",
          jobs, cron, slotSet.size(), latenessMillis.size(), expected, pct(latenessMillis, 0.50),
          pct(latenessMillis, 0.99), latenessMillis.isEmpty() ? -1 : latenessMillis.get(latenessMillis.size() - 1));
    }
  }

  static long pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  static Job job(String id, String cron) {
    return Job.builder().id(id).type(Job.TYPE_BATCH)
        .periodic(new PeriodicConfig(true, cron, null, "cron", false, "UTC"))
        .taskGroups(List.of(TaskGroup.builder().name("g").count(1)
            .tasks(List.of(Task.builder().name("t").driver("mock")
                .resources(new Resources(10, 0, 16, 0, 0)).build()))
            .build()))
        .build();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
