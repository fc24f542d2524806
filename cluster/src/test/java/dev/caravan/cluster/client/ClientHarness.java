package dev.caravan.cluster.client;

import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.server.ServerConfig;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.RestartPolicy;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.TaskState;
import dev.caravan.drivers.DriverOptions;
import dev.caravan.drivers.Drivers;
import dev.caravan.drivers.TaskDriver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A one-server cluster on 127.0.0.1 and the client agents a test starts against it, with the
 * small jobs client tests run: one group, one task, a restart policy the test chooses.
 */
final class ClientHarness implements AutoCloseable {
  /** Busybox with sh, echo, sleep, cat; imported by CI, never pulled. */
  static final String IMAGE = "caravan-busybox:latest";
  static final DriverOptions RAW_EXEC = new DriverOptions(true, false, null, Map.of());

  final ClusterServer server;
  private final Path dir;

  ClientHarness(Path dir) throws Exception {
    this.dir = dir;
    String addr = "127.0.0.1:" + freePort();
    server = ClusterServer.start(ServerConfig.singleNode("s1", dir.resolve("server"), addr));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!server.isLeader()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no leadership");
      }
      Thread.sleep(50);
    }
  }

  /** A client on {@code <dir>/client} (the same data dir every time) with every driver. */
  ClientAgent client(Duration fingerprintInterval) throws Exception {
    return client(Drivers.load(RAW_EXEC), fingerprintInterval);
  }

  ClientAgent client(Map<String, TaskDriver> drivers, Duration fingerprintInterval)
      throws Exception {
    ClientAgent client = new ClientAgent(new ClientConfig(dir.resolve("client"), "client-1",
        "dc1", null, null, null, RAW_EXEC, fingerprintInterval), server, drivers,
        Clock.systemUTC());
    client.start();
    return client;
  }

  /** Skips the test unless a Docker engine answers and has {@link #IMAGE}. */
  static void assumeDocker() {
    TaskDriver docker = Drivers.load(RAW_EXEC).get("docker");
    assumeTrue(docker.fingerprint().healthy(), "no Docker engine answers");
    try {
      dockerClient().inspectImageCmd(IMAGE).exec();
    } catch (RuntimeException e) {
      assumeTrue(false, IMAGE + " is not in the engine");
    }
  }

  static com.github.dockerjava.api.DockerClient dockerClient() {
    var config = com.github.dockerjava.core.DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(System.getenv("DOCKER_HOST") == null
            ? "unix:///var/run/docker.sock" : System.getenv("DOCKER_HOST")).build();
    return com.github.dockerjava.core.DockerClientImpl.getInstance(config,
        new com.github.dockerjava.httpclient5.ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            // bounded: an engine that stops answering fails the test instead of hanging it
            .connectionTimeout(java.time.Duration.ofSeconds(5))
            .responseTimeout(java.time.Duration.ofSeconds(60)).build());
  }

  /** Removes the containers of an allocation, running or not. */
  static void removeContainersOf(String allocId) {
    var docker = dockerClient();
    for (var c : docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of("caravan.alloc_id", allocId)).exec()) {
      try {
        docker.removeContainerCmd(c.getId()).withForce(true).exec();
      } catch (RuntimeException e) {
        // removed meanwhile
      }
    }
  }

  /** A service job of one task that is not restarted (attempts 0, mode fail) unless asked. */
  static Job job(String id, String driver, Map<String, Object> config, RestartPolicy policy) {
    Task task = Task.builder().name("main").driver(driver).config(config)
        .killTimeout(Duration.ofSeconds(2)).build();
    return Job.builder().id(id).name(id).type(Job.TYPE_SERVICE)
        .taskGroups(List.of(TaskGroup.builder().name("g").count(1).tasks(List.of(task))
            .restartPolicy(policy == null ? noRestarts() : policy).build()))
        .build();
  }

  static RestartPolicy noRestarts() {
    return new RestartPolicy(0, Duration.ofMinutes(30), Duration.ofSeconds(1),
        RestartPolicy.MODE_FAIL, false);
  }

  /** Registers the job and returns its one allocation once the scheduler placed it. */
  Allocation run(Job job) throws Exception {
    server.registerJob(new Cluster.JobRegisterRequest(job, false, 0));
    return await(s -> s.allocsByJob("default", job.id()).stream()
        .anyMatch(a -> !a.isServerTerminal()))
        .allocsByJob("default", job.id()).stream().filter(a -> !a.isServerTerminal())
        .findFirst().orElseThrow();
  }

  /** Waits until the allocation's task matches, as the client reported it. */
  TaskState awaitTask(String allocId, Predicate<TaskState> ok) throws Exception {
    return await(s -> s.alloc(allocId).map(a -> a.taskStates().get("main"))
        .filter(ok).isPresent())
        .alloc(allocId).orElseThrow().taskStates().get("main");
  }

  ClusterState await(Predicate<ClusterState> ok) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    ClusterState s = server.state();
    while (!ok.test(s)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("state never matched; last index " + s.index());
      }
      s = server.awaitIndex(s.index(), Duration.ofMillis(200));
    }
    return s;
  }

  static boolean hasEvent(TaskState s, String type, String message) {
    return s.events().stream().anyMatch(e -> e.type().equals(type) && e.message().equals(message));
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
