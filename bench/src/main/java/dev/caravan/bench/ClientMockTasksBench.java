package dev.caravan.bench;

import dev.caravan.cluster.client.ClientAgent;
import dev.caravan.cluster.client.ClientConfig;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.server.ServerConfig;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.drivers.DriverOptions;
import dev.caravan.drivers.Drivers;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 5's client figure: how long one client takes to have 100 mock tasks running once their
 * allocations arrive. One in-process server (Raft on 127.0.0.1) and one client; a job of 100
 * one-task groups... counted from the first state image holding all 100 allocations to the
 * first one in which the client has reported every one of them running (through Raft, as
 * clients report). The job is registered once the client has run for 2 s (its drivers
 * fingerprinted), as allocations reach a running client. Prints JSON with the load average.
 *
 * <p>Usage: {@code java -cp <bench classpath> dev.caravan.bench.ClientMockTasksBench [runs]}.
 */
public final class ClientMockTasksBench {
  private static final int TASKS = 100;
  private static final Duration SETTLE = Duration.ofSeconds(2);

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<Long> reported = new ArrayList<>();
    List<Long> started = new ArrayList<>();
    List<Long> spread = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      long[] figures = once(run);
      reported.add(figures[0]);
      started.add(figures[1]);
      spread.add(figures[2]);
    }
    System.out.println("{\"benchmark\":\"client-100-mock-tasks\",\"tasks\":" + TASKS
        + ",\"runs\":" + runs
        + ",\"placed_to_all_started_ms\":" + started
        + ",\"placed_to_all_started_median_ms\":" + median(started)
        + ",\"first_to_last_start_ms\":" + spread
        + ",\"placed_to_all_reported_running_ms\":" + reported
        + ",\"placed_to_all_reported_running_median_ms\":" + median(reported)
        + ",\"loadavg\":\"" + loadAverage() + "\"}");
    System.exit(0);
  }

  /** The machine's load (1, 5, 15 min) from /proc/loadavg; "unknown" elsewhere. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static long median(List<Long> values) {
    return values.stream().sorted().toList().get(values.size() / 2);
  }

  /**
   * One run: {ms from the placement (as the bench saw it in the state) to the state showing
   * all 100 running; ms from the allocations' creation stamp to the last task's start stamp,
   * both taken by the same machine's clock}.
   */
  private static long[] once(int run) throws Exception {
    Path tmp = TempDirs.create("caravan-client-bench-");
    String raft = "127.0.0.1:" + freePort();
    try (ClusterServer server = ClusterServer.start(
        ServerConfig.singleNode("s1", tmp.resolve("server"), raft))) {
      while (!server.isLeader()) {
        Thread.sleep(20);
      }
      ClientAgent client = new ClientAgent(new ClientConfig(tmp.resolve("client"), "bench",
          "dc1", null, null, null, DriverOptions.defaults()), server,
          Drivers.load(DriverOptions.defaults()), Clock.systemUTC());
      client.start();
      // The allocations arrive at a client that has finished starting (its drivers
      // fingerprinted, Docker's client loaded), as they do in a running cluster.
      Thread.sleep(SETTLE.toMillis());
      try {
        String jobId = "mocks-" + run;
        Task task = Task.builder().name("t").driver("mock").config(Map.of())
            .resources(new Resources(10, 0, 10, 0, 0)).build();
        Job job = Job.builder().id(jobId).name(jobId).type(Job.TYPE_SERVICE)
            .taskGroups(List.of(TaskGroup.builder().name("g").count(TASKS).tasks(List.of(task))
                .build()))
            .build();
        server.registerJob(new Cluster.JobRegisterRequest(job, false, 0));
        long arrived = 0;
        ClusterState s = server.state();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
          List<Allocation> allocs = s.allocsByJob("default", jobId);
          if (arrived == 0 && allocs.size() == TASKS) {
            arrived = System.nanoTime();
          }
          if (allocs.size() == TASKS && allocs.stream()
              .allMatch(a -> Allocation.CLIENT_RUNNING.equals(a.clientStatus()))) {
            long createdNanos = allocs.stream().mapToLong(Allocation::createTime).min().orElse(0);
            long lastStartNanos = allocs.stream()
                .mapToLong(a -> a.taskStates().get("t").startedAt()).max().orElse(0);
            long firstStartNanos = allocs.stream()
                .mapToLong(a -> a.taskStates().get("t").startedAt()).min().orElse(0);
            return new long[] {(System.nanoTime() - arrived) / 1_000_000,
                (lastStartNanos - createdNanos) / 1_000_000,
                (lastStartNanos - firstStartNanos) / 1_000_000};
          }
          s = server.awaitIndex(s.index(), Duration.ofMillis(100));
        }
        throw new IllegalStateException("the 100 mock tasks never all ran");
      } finally {
        client.close();
      }
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
