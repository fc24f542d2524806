package dev.caravan.cluster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.RestartPolicy;
import dev.caravan.cluster.structs.TaskEvent;
import dev.caravan.cluster.structs.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClientTaskFailureTest {
  @TempDir Path dir;

  /** A task whose input is wrong, and the event that must say exactly what is wrong. */
  record BadInput(String name, String driver, Map<String, Object> config, String eventType,
      String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<BadInput> badInputs() {
    return Stream.of(
        new BadInput("unknown config key", "raw_exec",
            Map.of("command", "/bin/true", "comand", "/bin/true"),
            "Failed Validation", "unknown key \"comand\" in raw_exec config"),
        new BadInput("command not found", "raw_exec", Map.of("command", "no-such-command-x1"),
            "Driver Failure", "command not found: no-such-command-x1"),
        new BadInput("missing jar", "java", Map.of("jar_path", "local/missing.jar"),
            "Driver Failure", "jar not found: local/missing.jar"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void aTaskWithBadInputFailsWithAnEventSayingWhyAndOtherAllocationsKeepRunning(BadInput bad)
      throws Exception {
    try (ClientHarness cluster = new ClientHarness(dir)) {
      ClientAgent client = cluster.client(Duration.ofSeconds(30));
      try {
        Allocation healthy = cluster.run(ClientHarness.job("healthy", "mock", Map.of(), null));
        cluster.awaitTask(healthy.id(), s -> s.state().equals(TaskState.RUNNING));

        Allocation broken = cluster.run(ClientHarness.job("broken", bad.driver(), bad.config(), null));
        TaskState failed = cluster.awaitTask(broken.id(),
            s -> s.state().equals(TaskState.DEAD));

        assertTrue(failed.failed());
        TaskEvent why = failed.events().stream().filter(e -> e.type().equals(bad.eventType()))
            .findFirst().orElseThrow(() -> new AssertionError(failed.events().toString()));
        assertTrue(why.message().startsWith(bad.message()), why.message());
        assertEquals(Allocation.CLIENT_FAILED,
            cluster.server.state().alloc(broken.id()).orElseThrow().clientStatus());
        assertEquals(TaskState.RUNNING, cluster.server.state().alloc(healthy.id()).orElseThrow()
            .taskStates().get("main").state());
      } finally {
        client.close();
      }
    }
  }

  @Test
  void aMissingImageFailsTheTaskWithAnEventNamingTheImage() throws Exception {
    ClientHarness.assumeDocker();
    try (ClientHarness cluster = new ClientHarness(dir)) {
      ClientAgent client = cluster.client(Duration.ofSeconds(30));
      try {
        Allocation broken = cluster.run(ClientHarness.job("broken", "docker",
            Map.of("image", "caravan-no-such-image:0.1"), null));

        TaskState failed = cluster.awaitTask(broken.id(), s -> s.state().equals(TaskState.DEAD));

        assertTrue(failed.failed());
        assertTrue(failed.events().stream().anyMatch(e -> e.type().equals("Driver Failure")
            && e.message().startsWith("image caravan-no-such-image:0.1 ")), failed.events()
            .toString());
      } finally {
        client.close();
      }
    }
  }

  @Test
  void privilegedContainersAndHostVolumesAreRefusedWithAnEventUnlessTheClientAllowsThem()
      throws Exception {
    ClientHarness.assumeDocker();
    try (ClientHarness cluster = new ClientHarness(dir)) {
      ClientAgent client = cluster.client(Duration.ofSeconds(30));
      try {
        Allocation privileged = cluster.run(ClientHarness.job("privileged", "docker",
            Map.of("image", ClientHarness.IMAGE, "command", "true", "privileged", true), null));
        Allocation volumes = cluster.run(ClientHarness.job("volumes", "docker",
            Map.of("image", ClientHarness.IMAGE, "command", "true",
                "volumes", List.of("/etc:/host-etc")), null));

        TaskState p = cluster.awaitTask(privileged.id(), s -> s.state().equals(TaskState.DEAD));
        TaskState v = cluster.awaitTask(volumes.id(), s -> s.state().equals(TaskState.DEAD));

        assertTrue(p.failed() && v.failed());
        assertTrue(ClientHarness.hasEvent(p, "Driver Failure", "docker privileged containers are"
            + " not allowed on this client (client config plugin \"docker\" allow_privileged ="
            + " true)"), p.events().toString());
        assertTrue(ClientHarness.hasEvent(v, "Driver Failure", "docker volume \"/etc:/host-etc\""
            + " mounts host path /etc, but host volumes are not enabled on this client (client"
            + " config plugin \"docker\" { config { volumes { enabled = true } } })"),
            v.events().toString());
        assertTrue(ClientHarness.hasEvent(v, "Not Restarting", "Error was unrecoverable"));
      } finally {
        client.close();
      }
    }
  }

  @Test
  void aContainerKilledFromOutsideIsRestartedUnderTheRestartPolicy() throws Exception {
    ClientHarness.assumeDocker();
    try (ClientHarness cluster = new ClientHarness(dir)) {
      ClientAgent client = cluster.client(Duration.ofSeconds(30));
      Allocation alloc = cluster.run(ClientHarness.job("web", "docker",
          Map.of("image", ClientHarness.IMAGE, "command", "sleep", "args", List.of("300")),
          new RestartPolicy(2, Duration.ofMinutes(30), Duration.ofMillis(200),
              RestartPolicy.MODE_FAIL, false)));
      try {
        cluster.awaitTask(alloc.id(), s -> s.state().equals(TaskState.RUNNING));
        String first = onlyContainer(alloc.id());

        ClientHarness.dockerClient().killContainerCmd(first).exec();
        TaskState restarted = cluster.awaitTask(alloc.id(),
            s -> s.restarts() == 1 && s.state().equals(TaskState.RUNNING));

        assertTrue(ClientHarness.hasEvent(restarted, "Terminated", "Exit Code: 137"),
            restarted.events().toString());
        assertNotEquals(first, onlyContainer(alloc.id()));
      } finally {
        client.close();
        ClientHarness.removeContainersOf(alloc.id());
      }
    }
  }

  private static String onlyContainer(String allocId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      var running = ClientHarness.dockerClient().listContainersCmd()
          .withLabelFilter(Map.of("caravan.alloc_id", allocId)).exec();
      if (running.size() == 1) {
        return running.get(0).getId();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("running containers of " + allocId + ": " + running.size());
      }
      Thread.sleep(50);
    }
  }
}
