package dev.caravan.agent;

import static dev.caravan.cluster.testing.LoopbackPorts.freePort;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.RestartPolicy;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.TaskState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An in-process agent (server and client, raw_exec on) on 127.0.0.1 for API and CLI tests,
 * and the one-task jobs they run on it.
 */
final class TestAgent implements AutoCloseable {
  final Agent agent;
  final String address;
  private final HttpClient http = HttpClient.newHttpClient();

  TestAgent(Path dir) throws Exception {
    // -dev, so that closing the agent stops the tasks a test started.
    AgentConfig config = new AgentConfig(dir, "127.0.0.1", freePort(), freePort(), true, 1,
        List.of(), true, List.of(), true, true, List.of());
    agent = Agent.start(config, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), null);
    address = "http://127.0.0.1:" + agent.httpPort();
  }

  /**
   * A server-only agent (client disabled) started from an agent config file in {@code dir}, as
   * an operator starts one, returned once it leads.
   */
  static Agent serverOnly(Path dir) throws Exception {
    Path file = dir.resolve("agent.hcl");
    java.nio.file.Files.writeString(file, """
        data_dir = "%s"
        ports {
          http = %d
          rpc  = %d
        }
        client {
          enabled = false
        }
        """.formatted(dir.resolve("data"), freePort(), freePort()));
    Agent agent = Agent.start(AgentConfigParser.parse(file, AgentConfig.dev(null)),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), null);
    E2e.awaitTrue(() -> agent.server().isLeader(), "a leader");
    return agent;
  }

  /** A job of one task {@code main} running {@code /bin/sh -c script}, never restarted. */
  static Job shellJob(String id, String type, String script) {
    return job(id, type, "raw_exec", Map.of("command", "/bin/sh", "args", List.of("-c", script)));
  }

  static Job job(String id, String type, String driver, Map<String, Object> config) {
    Task task = Task.builder().name("main").driver(driver).config(config)
        .killTimeout(Duration.ofSeconds(1)).build();
    return Job.builder().id(id).name(id).type(type)
        .taskGroups(List.of(TaskGroup.builder().name("g").count(1).tasks(List.of(task))
            .restartPolicy(new RestartPolicy(0, Duration.ofMinutes(30), Duration.ofSeconds(1),
                RestartPolicy.MODE_FAIL, false))
            .build()))
        .build();
  }

  /** Registers the job; returns its allocation once its task matches {@code ok}. */
  Allocation run(Job job, Predicate<TaskState> ok) throws Exception {
    agent.server().registerJob(new Cluster.JobRegisterRequest(job, false, 0));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (Allocation a : agent.server().state().allocsByJob("default", job.id())) {
        TaskState s = a.taskStates().get("main");
        if (s != null && ok.test(s)) {
          return a;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the task of job " + job.id() + " never matched");
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(address + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    agent.close();
  }
}
