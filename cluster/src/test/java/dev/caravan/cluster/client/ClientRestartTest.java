package dev.caravan.cluster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientRestartTest {
  private static final Duration FINGERPRINT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aRestartedClientReattachesToItsRunningTaskWithoutStartingItAgain() throws Exception {
    try (ClientHarness cluster = new ClientHarness(dir)) {
      ClientAgent first = cluster.client(FINGERPRINT);
      Allocation alloc = cluster.run(ClientHarness.job("sleeper", "raw_exec", pidThenSleep(), null));
      cluster.awaitTask(alloc.id(), s -> s.state().equals(TaskState.RUNNING));
      Path pids = first.allocDir(alloc.id()).resolve("main/pids");
      long pid = awaitPid(pids);

      first.closeLeavingTasksRunning();
      assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      ClientAgent second = cluster.client(FINGERPRINT);
      try {
        cluster.await(s -> second.runningTasks(alloc.id()).contains("main"));
        TaskState state = cluster.awaitTask(alloc.id(), s -> s.state().equals(TaskState.RUNNING));

        assertEquals(List.of(Long.toString(pid)), Files.readAllLines(pids));
        assertEquals(1, state.events().stream().filter(e -> e.type().equals("Started")).count());
      } finally {
        second.close();
      }
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
  }

  @Test
  void aRestartedClientStopsTasksWhoseAllocationIsNoLongerWanted() throws Exception {
    try (ClientHarness cluster = new ClientHarness(dir)) {
      ClientAgent first = cluster.client(FINGERPRINT);
      Allocation alloc = cluster.run(ClientHarness.job("sleeper", "raw_exec", pidThenSleep(), null));
      cluster.awaitTask(alloc.id(), s -> s.state().equals(TaskState.RUNNING));
      long pid = awaitPid(first.allocDir(alloc.id()).resolve("main/pids"));
      first.closeLeavingTasksRunning();

      cluster.server.deregisterJob("default", "sleeper", false);
      cluster.await(s -> s.alloc(alloc.id()).map(Allocation::isServerTerminal).orElse(true));
      ClientAgent second = cluster.client(FINGERPRINT);
      try {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        process.ifPresent(p -> p.onExit().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join());

        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      } finally {
        second.close();
      }
    }
  }

  @Test
  void aRestartedClientReattachesToItsRunningContainer() throws Exception {
    ClientHarness.assumeDocker();
    try (ClientHarness cluster = new ClientHarness(dir)) {
      ClientAgent first = cluster.client(FINGERPRINT);
      Allocation alloc = cluster.run(ClientHarness.job("web", "docker", Map.of(
          "image", ClientHarness.IMAGE, "command", "sh",
          "args", List.of("-c", "echo started; exec sleep 300")), null));
      try {
        cluster.awaitTask(alloc.id(), s -> s.state().equals(TaskState.RUNNING));
        String container = containerOf(alloc.id());

        first.closeLeavingTasksRunning();
        ClientAgent second = cluster.client(FINGERPRINT);
        try {
          cluster.await(s -> second.runningTasks(alloc.id()).contains("main"));
          TaskState state = cluster.awaitTask(alloc.id(), s -> s.state().equals(TaskState.RUNNING));

          assertEquals(container, containerOf(alloc.id()));
          assertEquals(1, state.events().stream().filter(e -> e.type().equals("Started")).count());
        } finally {
          second.close();
        }
      } finally {
        ClientHarness.removeContainersOf(alloc.id());
      }
    }
  }

  private static String containerOf(String allocId) {
    var running = ClientHarness.dockerClient().listContainersCmd()
        .withLabelFilter(Map.of("caravan.alloc_id", allocId)).exec();
    assertEquals(1, running.size(), "running containers of " + allocId);
    return running.get(0).getId();
  }

  /** A task that appends its pid to {@code pids} in its directory, then sleeps. */
  private static Map<String, Object> pidThenSleep() {
    return Map.of("command", "/bin/sh", "args", List.of("-c", "echo $$ >> pids; exec sleep 300"));
  }

  private static long awaitPid(Path pids) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(pids) || Files.readString(pids).isBlank()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the task never wrote its pid to " + pids);
      }
      Thread.sleep(20);
    }
    return Long.parseLong(Files.readAllLines(pids).get(0).trim());
  }
}
