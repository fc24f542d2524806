package dev.caravan.agent;

import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client-only agent reaches its servers over their HTTP API and fails over between them. */
class ClientOnlyAgentTest {
  private final ConfiguredAgents agents = new ConfiguredAgents();

  @AfterEach
  void stopAgents() {
    agents.close();
  }

  private Agent start(Path file) throws Exception {
    return agents.start(file);
  }

  private List<Agent> startServers(Path dir, int count) throws Exception {
    int[] rpc = new int[count];
    List<String> join = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rpc[i] = freePort();
      join.add("\"127.0.0.1:" + rpc[i] + "\"");
    }
    List<Agent> servers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path file = dir.resolve("server" + i + ".hcl");
      Files.writeString(file, """
          data_dir  = "%s"
          bind_addr = "127.0.0.1"
          ports {
            http = %d
            rpc  = %d
          }
          server {
            enabled          = true
            bootstrap_expect = %d
            server_join {
              retry_join = [%s]
            }
          }
          client {
            enabled = false
          }
          """.formatted(dir.resolve("server-data" + i), freePort(), rpc[i], count,
          String.join(", ", join)));
      servers.add(start(file));
    }
    E2e.awaitTrue(() -> servers.stream().anyMatch(a -> a.server().isLeader()), "a leader");
    return servers;
  }

  private Agent startClient(Path dir, List<Agent> servers) throws Exception {
    List<String> addresses = servers.stream()
        .map(a -> "\"127.0.0.1:" + a.httpPort() + "\"").toList();
    Path file = dir.resolve("client.hcl");
    Files.writeString(file, """
        data_dir   = "%s"
        name       = "far-client"
        datacenter = "dc2"
        bind_addr  = "127.0.0.1"
        ports {
          http = %d
        }
        server {
          enabled = false
        }
        client {
          enabled    = true
          servers    = [%s]
          node_class = "batch-workers"
          meta {
            rack = "r7"
          }
        }
        """.formatted(dir.resolve("client-data"), freePort(),
        String.join(", ", addresses)));
    return start(file);
  }

  private static Job mockJob(String id) {
    Job job = TestAgent.job(id, "service", "mock", Map.of());
    return job.toBuilder().datacenters(List.of("dc2")).build();
  }

  private static void awaitRunning(Cluster server, String jobId) throws InterruptedException {
    E2e.awaitTrue(() -> server.state().allocsByJob("default", jobId).stream()
        .anyMatch(a -> Allocation.CLIENT_RUNNING.equals(a.clientStatus())), jobId + " running");
  }

  @Test
  void clientOnlyAgentRegistersOverHttpAndRunsAMockJob(@TempDir Path dir) throws Exception {
    ClusterServer server = startServers(dir, 1).get(0).server();
    Agent client = startClient(dir, agents.list());

    server.registerJob(new Cluster.JobRegisterRequest(mockJob("far"), false, 0));

    awaitRunning(server, "far");
    Node node = server.state().node(client.client().nodeId()).orElseThrow();
    assertEquals("far-client", node.name());
    assertEquals("dc2", node.datacenter());
    assertEquals("batch-workers", node.nodeClass());
    assertEquals("r7", node.meta().get("rack"));
    assertEquals(Node.STATUS_READY, node.status());
    assertEquals(client.client().nodeId(),
        server.state().allocsByJob("default", "far").get(0).nodeId());
    assertEquals("127.0.0.1:" + client.httpPort(), node.httpAddr(),
        "the node advertises the client-only agent's own HTTP API");
  }

  @Test
  void clientFailsOverWhenItsServerStops(@TempDir Path dir) throws Exception {
    List<Agent> servers = startServers(dir, 3);
    Agent client = startClient(dir, servers);
    Agent first = servers.get(0);
    Agent other = servers.get(1);
    other.server().registerJob(new Cluster.JobRegisterRequest(mockJob("before"), false, 0));
    awaitRunning(other.server(), "before");

    first.close();
    agents.forget(first);
    other.server().registerJob(new Cluster.JobRegisterRequest(mockJob("after"), false, 0));

    awaitRunning(other.server(), "after");
    String nodeId = client.client().nodeId();
    assertEquals(Node.STATUS_READY, other.server().state().node(nodeId).orElseThrow().status());
    assertTrue(other.server().state().allocsByJob("default", "before").stream()
        .allMatch(a -> Allocation.CLIENT_RUNNING.equals(a.clientStatus())),
        "the first job kept running through the failover");
  }

  @Test
  void clientKeepsItsTasksWhileNoServerAnswersAndReconnectsWhenOneIsBack(@TempDir Path dir)
      throws Exception {
    Agent server = startServers(dir, 1).get(0);
    startClient(dir, List.of(server));
    server.server().registerJob(new Cluster.JobRegisterRequest(mockJob("steady"), false, 0));
    awaitRunning(server.server(), "steady");
    Allocation before = server.server().state().allocsByJob("default", "steady").get(0);

    server.close();
    agents.forget(server);
    Thread.sleep(3_000); // the client retries, backing off, with no server to answer
    Agent back = start(dir.resolve("server0.hcl"));
    E2e.awaitTrue(back.server()::isLeader, "the restarted server leads");
    back.server().registerJob(new Cluster.JobRegisterRequest(mockJob("later"), false, 0));

    awaitRunning(back.server(), "later");
    List<Allocation> steady = back.server().state().allocsByJob("default", "steady");
    assertEquals(1, steady.size());
    assertEquals(before.id(), steady.get(0).id());
    assertEquals(Allocation.CLIENT_RUNNING, steady.get(0).clientStatus());
    assertEquals(before.taskStates().get("main").startedAt(),
        steady.get(0).taskStates().get("main").startedAt(), "the task was not started again");
  }

  @Test
  void clientOnlyAgentWithoutServersIsAConfigErrorNamingTheKey(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("client.hcl");
    Files.writeString(file, """
        data_dir = "%s"
        server {
          enabled = false
        }
        client {
          enabled = true
        }
        """.formatted(dir.resolve("data")));
    AgentConfig cfg = AgentConfigParser.parse(file, AgentConfig.dev(null));

    ConfigException e = assertThrows(ConfigException.class, () -> Agent.start(cfg,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), null));

    assertTrue(e.getMessage().startsWith("client.servers: required when server.enabled = false"),
        e.getMessage());
  }
}
