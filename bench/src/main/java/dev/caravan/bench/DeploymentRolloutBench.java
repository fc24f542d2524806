package dev.caravan.bench;

import dev.caravan.cluster.client.ClientAgent;
import dev.caravan.cluster.client.ClientConfig;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.server.ServerConfig;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskEvent;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.TaskState;
import dev.caravan.cluster.structs.UpdateStrategy;
import dev.caravan.drivers.DriverOptions;
import dev.caravan.drivers.Drivers;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rolling update of N mock-driver allocations with max_parallel = P and min_healthy_time = 0
 * on one in-JVM server (Raft over loopback gRPC) and one client agent. Prints, as JSON:
 * <ul>
 *   <li>the rollout's wall time from registering the new version to its deployment successful,
 *       the tasks' own start time (per batch, the slowest task's received-to-started time,
 *       summed over batches) and the difference: the orchestration overhead;
 *   <li>per allocation, the time from its turning healthy (the client's timestamp) to the
 *       watcher's next decision counting it committed and applied (p50, p90, max).
 * </ul>
 * Usage: {@code DeploymentRolloutBench [allocs=100] [maxParallel=10] [runs=3]}.
 */
public final class DeploymentRolloutBench {

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int maxParallel = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<String> results = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      results.add(once(count, maxParallel));
    }
    results.forEach(System.out::println);
    System.exit(0);
  }

  private static String once(int count, int maxParallel) throws Exception {
    Path dir = TempDirs.create("caravan-deploy-bench");
    String addr = "127.0.0.1:" + freePort();
    try (ClusterServer server = ClusterServer.start(ServerConfig.singleNode("s1", dir.resolve("s"),
        addr))) {
      while (!server.isLeader()) {
        Thread.sleep(20);
      }
      ClientAgent client = new ClientAgent(new ClientConfig(dir.resolve("c"), "bench", "dc1",
          null, null, null, DriverOptions.defaults()), server,
          Drivers.load(DriverOptions.defaults()), Clock.systemUTC());
      client.start();
      try {
        server.registerJob(new Cluster.JobRegisterRequest(job(count, maxParallel, "v0"), false,
            0));
        await(server, s -> deployment(s, 0).map(d -> Deployment.STATUS_SUCCESSFUL
            .equals(d.status())).orElse(false), Duration.ofMinutes(5));

        long start = System.nanoTime();
        long startWallNanos = System.currentTimeMillis() * 1_000_000L;
        server.registerJob(new Cluster.JobRegisterRequest(job(count, maxParallel, "v1"), false,
            0));
        List<long[]> healthyCounted = new ArrayList<>(); // {healthy count, wall nanos seen}
        ClusterState s = server.state();
        while (true) {
          s = server.awaitIndex(s.index(), Duration.ofSeconds(1));
          long seen = System.currentTimeMillis() * 1_000_000L;
          Optional<Deployment> d = deployment(s, 1);
          if (d.isPresent()) {
            int healthy = d.get().taskGroups().get("web").healthyAllocs();
            if (healthyCounted.isEmpty() || healthyCounted.get(healthyCounted.size() - 1)[0]
                < healthy) {
              healthyCounted.add(new long[] {healthy, seen});
            }
            if (Deployment.STATUS_SUCCESSFUL.equals(d.get().status())) {
              break;
            }
            if (!d.get().isActive()) {
              throw new IllegalStateException("deployment ended " + d.get().status());
            }
          }
          if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
            throw new IllegalStateException("rollout did not finish");
          }
        }
        long totalMs = (System.nanoTime() - start) / 1_000_000;

        List<Allocation> fresh = s.allocsByJob("default", "bench").stream()
            .filter(a -> a.jobVersion() == 1).toList();
        // the tasks' own start: per batch (allocations created at one index), the slowest one
        Map<Long, Long> slowestPerBatch = new java.util.TreeMap<>();
        List<Long> healthyAt = new ArrayList<>();
        List<Long> reportLag = new ArrayList<>();
        for (Allocation a : fresh) {
          slowestPerBatch.merge(a.createIndex(), taskStartNanos(a), Math::max);
          if (a.deploymentStatus() != null && Boolean.TRUE.equals(a.deploymentStatus().healthy())) {
            healthyAt.add(a.deploymentStatus().timestamp());
            reportLag.add(Math.max(0, a.modifyTime() - a.deploymentStatus().timestamp())
                / 1_000_000);
          }
        }
        long taskStartMs = slowestPerBatch.values().stream().mapToLong(Long::longValue).sum()
            / 1_000_000;
        Collections.sort(healthyAt);
        List<Long> latencies = new ArrayList<>();
        for (int k = 0; k < healthyAt.size(); k++) {
          long when = healthyAt.get(k);
          for (long[] c : healthyCounted) {
            if (c[0] >= k + 1) {
              latencies.add(Math.max(0, c[1] - when) / 1_000_000);
              break;
            }
          }
        }
        Collections.sort(latencies);
        Collections.sort(reportLag);
        // one Raft write (propose, commit with fsync, apply) on this machine right now
        List<Long> raftWrites = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          long t0 = System.nanoTime();
          server.registerNode(dev.caravan.cluster.structs.Node.builder().id("probe")
              .name("probe").datacenter("none").build());
          raftWrites.add((System.nanoTime() - t0) / 1_000_000);
        }
        Collections.sort(raftWrites);
        return String.format("{\"benchmark\":\"deployment-rollout\",\"allocs\":%d,"
                + "\"max_parallel\":%d,\"min_healthy_time_ms\":0,\"batches\":%d,"
                + "\"rollout_ms\":%d,\"task_start_ms\":%d,\"overhead_ms\":%d,"
                + "\"healthy_to_decision_ms\":{\"n\":%d,\"p50\":%d,\"p90\":%d,\"max\":%d},"
                + "\"client_report_ms\":{\"p50\":%d,\"p90\":%d},"
                + "\"raft_write_ms\":{\"p50\":%d,\"p90\":%d},\"start_wall_ns\":%d}",
            count, maxParallel, slowestPerBatch.size(), totalMs, taskStartMs,
            totalMs - taskStartMs, latencies.size(), pct(latencies, 50), pct(latencies, 90),
            latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1), pct(reportLag, 50),
            pct(reportLag, 90), pct(raftWrites, 50), pct(raftWrites, 90), startWallNanos);
      } finally {
        client.close();
      }
    }
  }

  /** Received-to-started of the allocation's task, from its task events. */
  private static long taskStartNanos(Allocation a) {
    long worst = 0;
    for (TaskState t : a.taskStates().values()) {
      long received = 0;
      long started = 0;
      for (TaskEvent e : t.events()) {
        if ("Received".equals(e.type()) && received == 0) {
          received = e.time();
        }
        if ("Started".equals(e.type()) && started == 0) {
          started = e.time();
        }
      }
      if (received > 0 && started >= received) {
        worst = Math.max(worst, started - received);
      }
    }
    return worst;
  }

  private static long pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (sorted.size() * p + 99) / 100 - 1));
  }

  private static Optional<Deployment> deployment(ClusterState s, long version) {
    return s.deploymentsByJob("default", "bench").stream()
        .filter(d -> d.jobVersion() == version).findFirst();
  }

  private static void await(Cluster c, java.util.function.Predicate<ClusterState> ok,
      Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    ClusterState s = c.state();
    while (!ok.test(s)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out");
      }
      s = c.awaitIndex(s.index(), Duration.ofMillis(500));
    }
  }

  private static Job job(int count, int maxParallel, String marker) {
    UpdateStrategy update = new UpdateStrategy(Duration.ofSeconds(1), maxParallel,
        "task_states", Duration.ZERO, Duration.ofMinutes(5), Duration.ofMinutes(10), false,
        false, 0, true);
    return Job.builder().id("bench").update(update)
        .taskGroups(List.of(TaskGroup.builder().name("web").count(count)
            .tasks(List.of(Task.builder().name("server").driver("mock")
                .env(Map.of("MARKER", marker)).config(Map.of())
                .resources(new Resources(1, 0, 10, 0, 0)).build()))
            .build()))
        .build();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
