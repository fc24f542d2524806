package dev.caravan.bench;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.server.ServerConfig;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.DriverInfo;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.NodeResources;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Issue 4's scheduler figure: {@code nodes} simulated client nodes (mock driver attributes)
 * registered through Raft on one server, then {@code jobs} service jobs of {@code count}
 * allocations each registered at once by 8 concurrent clients; the time from the first
 * register to every allocation placed and committed (applied in the state). Prints JSON.
 *
 * <p>Usage: {@code java -Xmx2g -cp <bench classpath> dev.caravan.bench.SchedulerThroughputBench
 * [nodes=5000] [jobs=1000] [count=100]}.
 */
public final class SchedulerThroughputBench {
  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    Path dir = TempDirs.create("caravan-sched-bench-");
    String addr = "127.0.0.1:" + freePort();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (ClusterServer server = ClusterServer.start(
        ServerConfig.singleNode("bench", dir, addr), Duration.ofHours(1))) {
      while (!server.isLeader()) {
        Thread.sleep(20);
      }
      long t0 = System.nanoTime();
      List<Future<?>> pending = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        Node n = node(i);
        pending.add(pool.submit(() -> server.registerNode(n)));
      }
      for (Future<?> f : pending) {
        f.get();
      }
      long nodesMillis = (System.nanoTime() - t0) / 1_000_000;

      pending.clear();
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      for (int j = 0; j < jobs; j++) {
        Job job = job("job-" + j, count);
        pending.add(pool.submit(() -> server.registerJob(
            new Cluster.JobRegisterRequest(job, false, 0))));
      }
      for (Future<?> f : pending) {
        f.get();
      }
      long registeredMillis = (System.nanoTime() - start) / 1_000_000;
      long want = (long) jobs * count;
      ClusterState s = server.state();
      while (placed(s) < want) {
        Thread.sleep(500); // polling, not awaiting every index: counting scans all allocations
        s = server.state();
        if ((System.nanoTime() - start) > Duration.ofMinutes(10).toNanos()) {
          throw new IllegalStateException("only " + placed(s) + " of " + want + " placed");
        }
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      long cpuMillis = (processCpuNanos() - cpuStart) / 1_000_000;
      System.gc();
      long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory())
          >> 20;
      System.out.printf("{\"benchmark\":\"scheduler-throughput\",\"nodes\":%d,\"jobs\":%d,"
          + "\"allocations\":%d,\"node_register_ms\":%d,\"jobs_registered_ms\":%d,"
          + "\"all_placed_ms\":%d,\"placements_per_s\":%.0f,\"raft_index\":%d,"
          + "\"evaluations\":%d,\"deployments\":%d,\"heap_after_gc_mb\":%d,\"process_cpu_ms\":%d,\"load_average\":%.1f}%n", nodes,
          jobs, want, nodesMillis, registeredMillis, millis, want * 1000.0 / millis, s.index(),
          s.evals().size(), s.deployments().size(), heapMb, cpuMillis, java.lang.management.ManagementFactory.getOperatingSystemMXBean()
              .getSystemLoadAverage());
    } finally {
      pool.shutdownNow();
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static long placed(ClusterState s) {
    long n = 0;
    for (Allocation a : s.allocs()) {
      if (!a.isTerminal()) {
        n++;
      }
    }
    return n;
  }

  static Node node(int i) {
    return Node.builder().id(String.format("node-%05d", i)).name("node-" + i)
        .datacenter("dc" + (1 + i % 3)).httpAddr("127.0.0.1:4646")
        .attributes(Map.of("kernel.name", "linux", "cpu.arch", "amd64",
            "driver.mock", "1", "unique.network.ip-address", "10.0." + (i / 250) + "." + (i % 250)))
        .nodeResources(new NodeResources(4000, 4, 8192, 100_000))
        .drivers(Map.of("mock", new DriverInfo(true, true, "healthy", Map.of(), 0)))
        .build();
  }

  static Job job(String id, int count) {
    return Job.builder().id(id).name(id).datacenters(List.of("dc*")).type(Job.TYPE_SERVICE)
        .taskGroups(List.of(TaskGroup.builder().name("web").count(count)
            .tasks(List.of(Task.builder().name("server").driver("mock")
                .resources(new Resources(100, 0, 128, 0, 0)).build()))
            .build()))
        .build();
  }

  static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
