package dev.caravan.agent;

import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.TaskState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What stopping an agent does to its tasks: a -dev agent (temporary data dir) stops them and
 * removes their containers; any other agent leaves them running and re-attaches on restart.
 */
class AgentShutdownTest {
  private static final String IMAGE = "caravan-busybox:latest";
  private static final String PID_THEN_SLEEP = "echo $$ >> pids; exec sleep 300";

  @TempDir Path dir;

  @Test
  void aDevAgentStopsItsTasksWhenItStops() throws Exception {
    Agent agent = start(config(true));
    long pid;
    try {
      Allocation alloc = run(agent, TestAgent.shellJob("sleeper", Job.TYPE_SERVICE,
          PID_THEN_SLEEP));
      pid = awaitPid(alloc);
    } finally {
      agent.close();
    }

    assertFalse(alive(pid), "the task of a stopped -dev agent is still running");
  }

  @Test
  void aDevAgentRemovesItsContainersWhenItStops() throws Exception {
    assumeTrue(dockerHasImage(), "no Docker engine with " + IMAGE);
    Agent agent = start(config(true));
    Allocation alloc;
    try {
      // Docker's client loads in the background: the node lists it once it answers.
      E2e.awaitTrue(() -> agent.server().state().nodes().stream().anyMatch(n ->
          n.drivers().containsKey("docker") && n.drivers().get("docker").healthy()),
          "the node's docker driver healthy");
      alloc = run(agent, TestAgent.job("web", Job.TYPE_SERVICE, "docker",
          Map.of("image", IMAGE, "command", "sleep", "args", List.of("300"))));
      assertEquals(1, containersOf(alloc.id()).size());
    } finally {
      agent.close();
    }

    assertEquals(List.of(), containersOf(alloc.id()));
  }

  @Test
  void anAgentLeavesItsTasksRunningWhenItStopsAndReattachesWhenItStartsAgain() throws Exception {
    AgentConfig config = config(false);
    Agent agent = start(config);
    long pid = -1;
    try {
      Allocation alloc = run(agent, TestAgent.shellJob("sleeper", Job.TYPE_SERVICE,
          PID_THEN_SLEEP));
      pid = awaitPid(alloc);
      agent.close();
      assertTrue(alive(pid), "the task stopped with its agent");

      agent = start(config);
      Agent restarted = agent;
      E2e.awaitTrue(() -> restarted.server().state().alloc(alloc.id())
          .map(a -> a.taskStates().get("main"))
          .filter(s -> s.state().equals(TaskState.RUNNING)
              && s.events().stream().anyMatch(e -> e.type().equals("Received")))
          .isPresent(), "the task reported running after the restart");
      Thread.sleep(1000);

      assertTrue(alive(pid));
      assertEquals(List.of(Long.toString(pid)), Files.readAllLines(pidFile(alloc)));
      assertEquals(1, restarted.server().state().alloc(alloc.id()).orElseThrow().taskStates()
          .get("main").events().stream().filter(e -> e.type().equals("Started")).count());
    } finally {
      agent.close();
      if (pid > 0) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private AgentConfig config(boolean dev) throws Exception {
    return new AgentConfig(dir.resolve("data"), "127.0.0.1", freePort(), freePort(),
        true, 1, List.of(), true, List.of(), true, dev, List.of());
  }

  private static Agent start(AgentConfig config) throws Exception {
    return Agent.start(config, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), null);
  }

  private static Allocation run(Agent agent, Job job) throws Exception {
    agent.server().registerJob(new dev.caravan.cluster.server.Cluster.JobRegisterRequest(job,
        false, 0));
    Allocation[] found = new Allocation[1];
    E2e.awaitTrue(() -> agent.server().state().allocsByJob("default", job.id()).stream()
        .filter(a -> a.taskStates().containsKey("main")
            && a.taskStates().get("main").state().equals(TaskState.RUNNING))
        .peek(a -> found[0] = a).findFirst().isPresent(), job.id() + " running");
    return found[0];
  }

  private Path pidFile(Allocation alloc) {
    return dir.resolve("data/client/alloc").resolve(alloc.id()).resolve("main/pids");
  }

  private long awaitPid(Allocation alloc) throws Exception {
    Path pids = pidFile(alloc);
    E2e.awaitTrue(() -> {
      try {
        return Files.exists(pids) && !Files.readString(pids).isBlank();
      } catch (java.io.IOException e) {
        return false;
      }
    }, "the task's pid");
    return Long.parseLong(Files.readAllLines(pids).get(0).trim());
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static boolean dockerHasImage() {
    try {
      Process p = new ProcessBuilder("docker", "image", "inspect", IMAGE)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** Every container (running or exited) labelled with the allocation's id. */
  private static List<String> containersOf(String allocId) throws Exception {
    Process p = new ProcessBuilder("docker", "ps", "-a", "-q", "--filter",
        "label=caravan.alloc_id=" + allocId).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out.isBlank() ? List.of() : List.of(out.strip().split("\\s+"));
  }
}
