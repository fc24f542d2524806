package dev.caravan.bench;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 4's Raft figures on three in-JVM servers over loopback gRPC: job registrations per
 * second from {@code clients} concurrent callers spread over the three servers (followers
 * forward to the leader) with their p50/p99 latency; then, with one writer going on, the time
 * from closing the leader to the next acknowledged write. Prints JSON.
 *
 * <p>The measured registrations follow {@code warmup} registrations of the same kind: updates
 * of a fixed set of jobs (so that the job count does not grow with the warm-up), then as many
 * new jobs as will be measured (creating a job runs code an update does not): a cluster runs for
 * days, and on two cores the JIT's C2 compiler took most of a core for the first 20,000
 * registrations and still a quarter to half of one after 60,000 (the printed {@code jit_ms} is
 * the compilers' time during the measured registrations). Run with a small {@code warmup} for
 * the figure of a freshly started cluster. With the default, the whole run stays under the
 * 120 s before the servers' first background snapshot. With {@code
 * -Dbench.jfr=FILE} the measured phase is also recorded as a JFR profile of CPU samples (and
 * of allocations with {@code -Dbench.jfr.allocations=true}); on two cores JFR itself slows the
 * servers about fourfold, so read it for proportions only.
 *
 * <p>After the closed loop of {@code clients} callers (the most registrations per second),
 * the same number of registrations arrive at a fixed {@code rate} (open loop), each timed
 * from when it was due: the latency a user sending that many per second sees, split by whether
 * the receiving server was the leader or a follower.
 *
 * <p>Usage: {@code java -XX:+UseZGC -Xmx2g -cp <bench classpath>
 * dev.caravan.bench.RaftClusterBench [registrations=10000] [clients=32] [warmup=60000]
 * [rate=1000]}: ZGC and C2, as {@code ./caravan} starts a cluster server.
 */
public final class RaftClusterBench {
  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 60_000;
    int rate = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
    Path dir = TempDirs.create("caravan-raft-bench-");
    List<String> peers = List.of("127.0.0.1:" + SchedulerThroughputBench.freePort(),
        "127.0.0.1:" + SchedulerThroughputBench.freePort(),
        "127.0.0.1:" + SchedulerThroughputBench.freePort());
    List<ClusterServer> servers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      for (int i = 0; i < 3; i++) {
        servers.add(ClusterServer.start(new ServerConfig("s" + i, dir.resolve("s" + i),
            peers.get(i), peers, Clock.systemUTC()), Duration.ofHours(1)));
      }
      ClusterServer first = awaitLeader(servers);
      // warm-up: JIT and gRPC channels
      // updates of a fixed set of jobs, then as many new jobs as will be measured: creating a
      // job takes code paths an update does not, which the JIT compiles when first used
      int fresh = Math.min(total, warmup);
      run(servers, pool, warmup - fresh, clients, "warm", new long[warmup - fresh], WARM_JOBS);
      run(servers, pool, fresh, clients, "warm-new", new long[fresh], Integer.MAX_VALUE);

      long[] latencies = new long[total];
      jdk.jfr.Recording recording = startRecording();
      java.util.Map<String, Long> threadsBefore = GitopsBenchSupport.cpuByThreadGroup();
      long[] gcBefore = gcPauses();
      long cpuBefore = processCpuNanos();
      long jitBefore = jitMillis();
      long indexBefore = first.state().index();
      long start = System.nanoTime();
      int failed = run(servers, pool, total, clients, "job", latencies, Integer.MAX_VALUE);
      long millis = (System.nanoTime() - start) / 1_000_000;
      long cpuMillis = (processCpuNanos() - cpuBefore) / 1_000_000;
      long jitMeasured = jitMillis() - jitBefore;
      long raftEntries = first.state().index() - indexBefore;
      long[] gcAfter = gcPauses();
      String cpuByThread = GitopsBenchSupport.json(GitopsBenchSupport.minus(
          GitopsBenchSupport.cpuByThreadGroup(), threadsBefore));
      if (recording != null) {
        recording.dump(Path.of(System.getProperty("bench.jfr")));
        recording.close();
      }
      Arrays.sort(latencies);

      // open loop: registrations arrive at a fixed rate whatever the latency, each one timed
      // from when it was due (so a stall delays, and counts against, every request due in it)
      ClusterServer rateLeader = awaitLeader(servers);
      long[] due = new long[total];
      long[] openLatencies = new long[total];
      boolean[] viaLeader = new boolean[total];
      long[] gcBeforeOpen = gcPauses();
      long openStart = System.nanoTime();
      int openFailed = runAtRate(servers, rateLeader, total, rate, due, openLatencies, viaLeader);
      long openMillis = (System.nanoTime() - openStart) / 1_000_000;
      long[] gcAfterOpen = gcPauses();
      long[][] byRole = split(openLatencies, viaLeader);
      Arrays.sort(openLatencies);

      // the leader now: an early election may have moved it since the start
      ClusterServer leader = awaitLeader(servers);
      ClusterServer writer = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
      AtomicLong firstAckAfterKill = new AtomicLong();
      AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
      // only writes issued once the leader is gone count: during close() it may still commit
      AtomicLong closedAt = new AtomicLong(Long.MAX_VALUE);
      AtomicInteger n = new AtomicInteger();
      Thread stream = new Thread(() -> {
        while (firstAckAfterKill.get() == 0) {
          try {
            long issued = System.nanoTime();
            writer.registerJob(new Cluster.JobRegisterRequest(
                SchedulerThroughputBench.job("failover-" + n.incrementAndGet(), 0), false, 0));
            if (issued >= closedAt.get()) {
              firstAckAfterKill.compareAndSet(0, System.nanoTime());
            }
          } catch (ClusterException e) {
            // retried by the next iteration
          }
        }
      });
      stream.start();
      Thread.sleep(500);
      killedAt.set(System.nanoTime());
      leader.close();
      closedAt.set(System.nanoTime());
      servers.remove(leader);
      stream.join();
      long failoverMillis = (firstAckAfterKill.get() - killedAt.get()) / 1_000_000;
      System.out.printf("{\"benchmark\":\"raft-3-servers\",\"registrations\":%d,\"clients\":%d,"
          + "\"failed\":%d,\"elapsed_ms\":%d,\"registrations_per_s\":%.0f,\"p50_ms\":%.2f,"
          + "\"p99_ms\":%.2f,\"max_ms\":%.2f,\"leader_kill_to_next_ack_ms\":%d,"
          + "\"raft_entries\":%d,\"cpu_ms_per_registration\":%.2f,\"load_average\":%.1f,"
          + "\"warmup_registrations\":%d,\"jit_ms\":%d,\"gc_collections\":%d,\"gc_ms\":%d,"
          + "\"gc\":\"%s\",\"cpu_ms_by_thread\":%s}%n",
          total, clients, failed, millis, total * 1000.0 / millis,
          latencies[total / 2] / 1e6, latencies[(int) (total * 0.99)] / 1e6,
          latencies[total - 1] / 1e6, failoverMillis, raftEntries, cpuMillis / (double) total,
          java.lang.management.ManagementFactory.getOperatingSystemMXBean()
              .getSystemLoadAverage(), warmup, jitMeasured, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1],
          gcNames(), cpuByThread);
      System.out.printf("{\"benchmark\":\"raft-3-servers-at-rate\",\"registrations\":%d,"
          + "\"offered_per_s\":%d,\"achieved_per_s\":%.0f,\"failed\":%d,\"p50_ms\":%.2f,"
          + "\"p99_ms\":%.2f,\"p999_ms\":%.2f,\"max_ms\":%.2f,\"leader_p50_ms\":%.2f,"
          + "\"leader_p99_ms\":%.2f,\"follower_p50_ms\":%.2f,\"follower_p99_ms\":%.2f,"
          + "\"gc_collections\":%d,\"gc_ms\":%d}%n",
          total, rate, total * 1000.0 / openMillis, openFailed, pct(openLatencies, 0.5),
          pct(openLatencies, 0.99), pct(openLatencies, 0.999), pct(openLatencies, 1.0),
          pct(byRole[0], 0.5), pct(byRole[0], 0.99), pct(byRole[1], 0.5), pct(byRole[1], 0.99),
          gcAfterOpen[0] - gcBeforeOpen[0], gcAfterOpen[1] - gcBeforeOpen[1]);
    } finally {
      pool.shutdownNow();
      for (ClusterServer s : servers) {
        s.close();
      }
    }
  }

  private static int run(List<ClusterServer> servers, ExecutorService pool, int total,
      int clients, String prefix) throws Exception {
    return run(servers, pool, total, clients, prefix, new long[total], Integer.MAX_VALUE);
  }

  private static int run(List<ClusterServer> servers, ExecutorService pool, int total,
      int clients, String prefix, long[] latencies, int distinctJobs) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      workers.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
          ClusterServer s = servers.get(i % servers.size());
          long t0 = System.nanoTime();
          try {
            s.registerJob(new Cluster.JobRegisterRequest(
                SchedulerThroughputBench.job(prefix + "-" + (i % distinctJobs), 0), false, 0));
          } catch (ClusterException e) {
            failed.incrementAndGet();
          }
          latencies[i] = System.nanoTime() - t0;
        }
        return null;
      }));
    }
    for (Future<?> f : workers) {
      f.get();
    }
    return failed.get();
  }

  /**
   * Issues {@code total} registrations at {@code rate} per second, round robin over the servers,
   * from one pacing thread that never waits for an answer (a pool large enough for every
   * request in flight makes the calls). Each latency runs from the time the request was due,
   * not from when a thread picked it up: the figure a user sending at that rate would see.
   */
  private static int runAtRate(List<ClusterServer> servers, ClusterServer leader, int total,
      int rate, long[] due, long[] latencies, boolean[] viaLeader) throws Exception {
    AtomicInteger failed = new AtomicInteger();
    ExecutorService callers = Executors.newCachedThreadPool();
    try {
      long start = System.nanoTime();
      long interval = 1_000_000_000L / rate;
      List<Future<?>> calls = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
        long at = start + i * interval;
        long wait;
        while ((wait = at - System.nanoTime()) > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        int n = i;
        ClusterServer s = servers.get(i % servers.size());
        viaLeader[i] = s == leader;
        due[i] = at;
        calls.add(callers.submit(() -> {
          try {
            s.registerJob(new Cluster.JobRegisterRequest(
                SchedulerThroughputBench.job("rate-" + n, 0), false, 0));
          } catch (ClusterException e) {
            failed.incrementAndGet();
          }
          latencies[n] = System.nanoTime() - due[n];
        }));
      }
      for (Future<?> f : calls) {
        f.get();
      }
    } finally {
      callers.shutdownNow();
    }
    return failed.get();
  }

  /** Latencies of requests sent to the leader, then of those sent to a follower, each sorted. */
  private static long[][] split(long[] latencies, boolean[] viaLeader) {
    long[] leader = new long[latencies.length];
    long[] follower = new long[latencies.length];
    int l = 0;
    int f = 0;
    for (int i = 0; i < latencies.length; i++) {
      if (viaLeader[i]) {
        leader[l++] = latencies[i];
      } else {
        follower[f++] = latencies[i];
      }
    }
    leader = Arrays.copyOf(leader, l);
    follower = Arrays.copyOf(follower, f);
    Arrays.sort(leader);
    Arrays.sort(follower);
    return new long[][] {leader, follower};
  }

  /** The {@code q} quantile of sorted nanoseconds, in milliseconds (0 for no samples). */
  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))] / 1e6;
  }

  /** The JIT compilers' accumulated time (ms), or 0 when the JVM does not say. */
  private static long jitMillis() {
    java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime() : 0;
  }

  /** With {@code -Dbench.jfr=FILE}, a JFR profile of the measured phase only (no warm-up). */
  private static jdk.jfr.Recording startRecording() throws Exception {
    if (System.getProperty("bench.jfr") == null) {
      return null;
    }
    // CPU samples only: JFR's "profile" settings (allocations, locks, I/O) took three times the
    // CPU of the registrations themselves on two cores
    jdk.jfr.Recording r = new jdk.jfr.Recording();
    r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
    if (Boolean.getBoolean("bench.jfr.allocations")) {
      r.enable("jdk.ObjectAllocationSample").with("throttle", "300/s").withStackTrace();
    }
    r.start();
    return r;
  }

  /**
   * Collections and their summed time (ms) so far, over every collector: the slowest
   * registrations are the ones a stop-the-world pause held, in all three servers at once.
   */
  private static long[] gcPauses() {
    long count = 0;
    long millis = 0;
    for (java.lang.management.GarbageCollectorMXBean gc
        : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc.getName().endsWith("Cycles")) {
        continue; // ZGC's and Shenandoah's concurrent cycles: their pauses are counted apart
      }
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  private static String gcNames() {
    return String.join("+", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()
        .stream().map(java.lang.management.GarbageCollectorMXBean::getName).toList());
  }

  /**
   * The warm-up registers these many jobs over and over (each register is a new version and an
   * evaluation, as in the measured phase), so that a long warm-up does not grow the state the
   * measured phase starts from beyond what a cluster of that many jobs holds.
   */
  private static final int WARM_JOBS = 2_000;

  /** CPU time of the whole process (all three servers and the clients), for a figure less
   *  sensitive to a loaded machine than wall-clock throughput. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static ClusterServer awaitLeader(List<ClusterServer> servers) throws InterruptedException {
    while (true) {
      for (ClusterServer s : servers) {
        if (s.isLeader()) {
          return s;
        }
      }
      Thread.sleep(20);
    }
  }
}
