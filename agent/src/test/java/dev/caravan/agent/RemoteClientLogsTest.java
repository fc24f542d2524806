package dev.caravan.agent;

import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.TaskState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task logs of an allocation on a client-only agent, read through a server agent: the server
 * forwards {@code /v1/client/fs/logs} to the node's advertised HTTP address (Nomad's
 * {@code Node.HTTPAddr}), and answers 502 naming the node when that agent is gone.
 */
class RemoteClientLogsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final ConfiguredAgents agents = new ConfiguredAgents();

  @AfterEach
  void stopAgents() {
    agents.close();
  }

  private Agent start(Path file) throws Exception {
    return agents.start(file);
  }

  /** A server agent without a client, and a client-only agent reporting to it. */
  private Agent[] startServerAndClient(Path dir) throws Exception {
    Path serverFile = dir.resolve("server.hcl");
    Files.writeString(serverFile, """
        data_dir  = "%s"
        bind_addr = "127.0.0.1"
        ports {
          http = %d
          rpc  = %d
        }
        server {
          enabled          = true
          bootstrap_expect = 1
        }
        client {
          enabled = false
        }
        """.formatted(dir.resolve("server-data"), freePort(), freePort()));
    Agent server = start(serverFile);
    E2e.awaitTrue(server.server()::isLeader, "the server leads");
    Path clientFile = dir.resolve("client.hcl");
    Files.writeString(clientFile, """
        data_dir  = "%s"
        name      = "log-client"
        bind_addr = "127.0.0.1"
        ports {
          http = %d
        }
        server {
          enabled = false
        }
        client {
          enabled = true
          servers = ["127.0.0.1:%d"]
        }
        """.formatted(dir.resolve("client-data"), freePort(), server.httpPort()));
    Agent client = start(clientFile);
    return new Agent[] {server, client};
  }

  private static Allocation run(ClusterServer server, Job job, Predicate<TaskState> ok)
      throws Exception {
    server.registerJob(new Cluster.JobRegisterRequest(
        job.toBuilder().datacenters(List.of("dc1")).build(), false, 0));
    E2e.awaitTrue(() -> server.state().allocsByJob("default", job.id()).stream()
        .anyMatch(a -> a.taskStates().get("main") != null
            && ok.test(a.taskStates().get("main"))), job.id() + " started");
    return server.state().allocsByJob("default", job.id()).get(0);
  }

  private static HttpResponse<String> get(Agent agent, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + agent.httpPort() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String awaitBody(Agent agent, String path, String expected) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    String body = get(agent, path).body();
    while (!body.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      body = get(agent, path).body();
    }
    return body;
  }

  @Test
  void serverForwardsLogReadsToTheClientOnlyAgentHoldingTheAllocation(@TempDir Path dir)
      throws Exception {
    Agent[] both = startServerAndClient(dir);
    Agent server = both[0];
    Agent client = both[1];
    Allocation web = run(server.server(), TestAgent.shellJob("web", Job.TYPE_SERVICE,
        "echo remote-hello; echo remote-oops >&2; exec sleep 300"),
        s -> s.state().equals(TaskState.RUNNING));
    assertEquals(client.client().nodeId(), web.nodeId());
    String logs = "/v1/client/fs/logs/" + web.id() + "?task=main&plain=true&type=";

    assertEquals("remote-hello\n", awaitBody(server, logs + "stdout", "remote-hello\n"));
    HttpResponse<String> stderr = get(server, logs + "stderr");
    assertEquals(200, stderr.statusCode());
    assertEquals("remote-oops\n", stderr.body());
    assertTrue(stderr.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    assertEquals("remote-hello\n", get(client, logs + "stdout").body(),
        "the client-only agent serves its own allocations' logs");

    HttpResponse<String> frames = get(server, "/v1/client/fs/logs/" + web.id()
        + "?task=main&type=stdout");
    assertEquals("application/json", frames.headers().firstValue("Content-Type").orElse(""));
    JsonNode frame = new ObjectMapper().readTree(frames.body());
    assertEquals("alloc/logs/main.stdout.0", frame.path("File").asText());

    HttpResponse<String> noTask = get(server, "/v1/client/fs/logs/" + web.id()
        + "?task=nope&type=stdout");
    assertEquals(404, noTask.statusCode());
    assertTrue(noTask.body().contains("unknown task \\\"nope\\\""), noTask.body());
  }

  @Test
  void forwardedFollowStreamsUntilTheRemoteTaskEnds(@TempDir Path dir) throws Exception {
    Agent server = startServerAndClient(dir)[0];
    Allocation batch = run(server.server(), TestAgent.shellJob("counter", Job.TYPE_BATCH,
        "echo one; sleep 1; echo two"), s -> s.state().equals(TaskState.RUNNING));

    HttpResponse<String> r = get(server, "/v1/client/fs/logs/" + batch.id()
        + "?task=main&type=stdout&plain=true&follow=true");

    assertEquals(200, r.statusCode());
    assertEquals("one\ntwo\n", r.body());
  }

  @Test
  void logsOfANodeWhoseAgentIsGoneAre502NamingTheNodeAndAddress(@TempDir Path dir)
      throws Exception {
    Agent[] both = startServerAndClient(dir);
    Agent server = both[0];
    Agent client = both[1];
    Allocation web = run(server.server(), TestAgent.shellJob("gone", Job.TYPE_SERVICE,
        "echo bye; exec sleep 300"), s -> s.state().equals(TaskState.RUNNING));
    String address = "127.0.0.1:" + client.httpPort();
    client.close();
    agents.forget(client);

    HttpResponse<String> r = get(server, "/v1/client/fs/logs/" + web.id()
        + "?task=main&type=stdout&plain=true");

    assertEquals(502, r.statusCode());
    String error = new ObjectMapper().readTree(r.body()).path("error").asText();
    assertTrue(error.contains("log-client") && error.contains(address), error);
  }
}
