package dev.caravan.cluster.deploy;

import static dev.caravan.cluster.testing.LoopbackPorts.freePort;

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
import dev.caravan.cluster.structs.RestartPolicy;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.UpdateStrategy;
import dev.caravan.drivers.DriverOptions;
import dev.caravan.drivers.Drivers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Real servers (Ratis over gRPC on 127.0.0.1, random ports) and a real client agent running
 * the mock driver, for rollout tests; closes everything it started.
 */
final class RolloutCluster implements AutoCloseable {
  final List<ClusterServer> servers = new ArrayList<>();
  ClientAgent client;

  static RolloutCluster start(Path dir, int serverCount, boolean withClient) throws Exception {
    RolloutCluster c = new RolloutCluster();
    try {
      List<String> peers = new ArrayList<>();
      for (int i = 0; i < serverCount; i++) {
        peers.add("127.0.0.1:" + freePort());
      }
      for (int i = 0; i < serverCount; i++) {
        c.servers.add(ClusterServer.start(new ServerConfig("s" + i, dir.resolve("s" + i),
            peers.get(i), peers, Clock.systemUTC())));
      }
      ClusterServer leader = c.awaitLeader();
      if (withClient) {
        ClusterServer home = serverCount == 1 ? leader
            : c.servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
        c.client = new ClientAgent(new ClientConfig(dir.resolve("client"), "client-1", "dc1",
            null, null, null, DriverOptions.defaults()), home,
            Drivers.load(DriverOptions.defaults()), Clock.systemUTC());
        c.client.start();
      }
    } catch (Exception e) {
      c.close();
      throw e;
    }
    return c;
  }

  ClusterServer awaitLeader() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (ClusterServer s : servers) {
        if (s.isLeader()) {
          return s;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no leader elected");
  }

  ClusterServer any() {
    return servers.get(0);
  }

  static ClusterState await(Cluster c, String what, Predicate<ClusterState> ok) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    ClusterState s = c.state();
    while (!ok.test(s)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what + "; deployments "
            + s.deployments() + "; allocs " + s.allocs().stream().map(a -> a.name() + " v"
                + a.jobVersion() + " " + a.desiredStatus() + "/" + a.clientStatus() + " "
                + a.deploymentStatus()).toList());
      }
      s = c.awaitIndex(s.index(), Duration.ofMillis(250));
    }
    return s;
  }

  static Optional<Deployment> deploymentOf(ClusterState s, String jobId, long version) {
    return s.deploymentsByJob("default", jobId).stream()
        .filter(d -> d.jobVersion() == version).findFirst();
  }

  static boolean deploymentIs(ClusterState s, String jobId, long version, String status) {
    return deploymentOf(s, jobId, version).map(d -> status.equals(d.status())).orElse(false);
  }

  /** Live allocations: wanted by the servers and not finished on the client. */
  static List<Allocation> live(ClusterState s, String jobId) {
    return s.allocsByJob("default", jobId).stream()
        .filter(a -> !a.isServerTerminal() && !a.isClientTerminal()).toList();
  }

  static long runningAt(ClusterState s, String jobId, long version) {
    return live(s, jobId).stream().filter(a -> a.jobVersion() == version
        && Allocation.CLIENT_RUNNING.equals(a.clientStatus())).count();
  }

  /** A service job on the mock driver; {@code marker} goes into the task's env (destructive). */
  static Job job(String id, int count, String marker, UpdateStrategy update) {
    return Job.builder().id(id).update(update)
        .taskGroups(List.of(TaskGroup.builder().name("web").count(count)
            .restartPolicy(new RestartPolicy(0, Duration.ofMinutes(1), Duration.ofSeconds(1),
                RestartPolicy.MODE_FAIL, false))
            .tasks(List.of(Task.builder().name("server").driver("mock")
                .env(Map.of("MARKER", marker))
                .config(Map.of())
                .resources(new Resources(10, 0, 16, 0, 0)).build()))
            .build()))
        .build();
  }

  /** The same job whose task exits with code 1 at once. */
  static Job failing(Job job) {
    TaskGroup g = job.taskGroups().get(0);
    Task t = g.tasks().get(0).toBuilder()
        .config(Map.of("run_for", "10ms", "exit_code", 1)).build();
    return job.toBuilder().taskGroups(List.of(g.toBuilder().tasks(List.of(t)).build())).build();
  }

  static UpdateStrategy update(int maxParallel, int canary, boolean autoPromote,
      boolean autoRevert, Duration minHealthy) {
    return new UpdateStrategy(Duration.ofSeconds(1), maxParallel, "task_states", minHealthy,
        Duration.ofSeconds(60), Duration.ofMinutes(2), autoRevert, autoPromote, canary, true);
  }

  @Override
  public void close() throws Exception {
    if (client != null) {
      client.close();
    }
    for (ClusterServer s : servers) {
      s.close();
    }
  }
}
