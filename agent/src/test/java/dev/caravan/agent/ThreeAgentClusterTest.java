package dev.caravan.agent;

import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three agents started from parsed server configs form one Raft group. */
class ThreeAgentClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<Agent> agents = new ArrayList<>();

  @AfterEach
  void stopAgents() {
    agents.forEach(Agent::close);
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Agent awaitLeader() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (Agent a : agents) {
        if (a.server().isLeader()) {
          return a;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no leader elected");
  }

  @Test
  void threeAgentsWithBootstrapExpectAndRetryJoinFormOneGroup(@TempDir Path dir) throws Exception {
    int[] rpc = {freePort(), freePort(), freePort()};
    String join = "\"127.0.0.1:%d\", \"127.0.0.1:%d\", \"127.0.0.1:%d\"".formatted(rpc[0], rpc[1],
        rpc[2]);
    for (int i = 0; i < 3; i++) {
      Path file = dir.resolve("agent" + i + ".hcl");
      Files.writeString(file, """
          data_dir  = "%s"
          bind_addr = "127.0.0.1"
          ports {
            http = %d
            rpc  = %d
          }
          server {
            enabled          = true
            bootstrap_expect = 3
            server_join {
              retry_join = [%s]
            }
          }
          client {
            enabled = false
          }
          """.formatted(dir.resolve("data" + i), freePort(), rpc[i], join));
      AgentConfig cfg = AgentConfigParser.parse(file, AgentConfig.dev(null));
      agents.add(Agent.start(cfg, new PrintStream(new ByteArrayOutputStream(), true,
          StandardCharsets.UTF_8), null));
    }

    Agent leader = awaitLeader();
    String leaderAddress = leader.server().config().raftAddress();

    for (Agent a : agents) {
      HttpResponse<String> r = get(a.httpPort(), "/v1/status/leader");
      assertEquals(200, r.statusCode());
      assertEquals("\"" + leaderAddress + "\"", r.body(), "leader as a JSON string");
    }
    JsonNode conf = JSON.readTree(get(agents.get(0).httpPort(),
        "/v1/operator/raft/configuration").body());
    Set<String> addresses = new HashSet<>();
    int leaders = 0;
    for (JsonNode s : conf.path("Servers")) {
      addresses.add(s.path("Address").asText());
      leaders += s.path("Leader").asBoolean() ? 1 : 0;
      assertTrue(s.path("Voter").asBoolean());
      assertEquals("3", s.path("RaftProtocol").asText());
      assertTrue(s.has("ID") && s.has("Node"), s.toString());
    }
    assertEquals(Set.of("127.0.0.1:" + rpc[0], "127.0.0.1:" + rpc[1], "127.0.0.1:" + rpc[2]),
        addresses);
    assertEquals(1, leaders);
    assertTrue(conf.path("Index").asLong() >= 0);

    StringWriter out = new StringWriter();
    int code = Main.run(new String[] {"server", "members", "-address",
        "http://127.0.0.1:" + leader.httpPort()}, new PrintWriter(out, true),
        new PrintWriter(new StringWriter(), true));
    List<String> lines = out.toString().lines().toList();
    assertEquals(0, code);
    assertTrue(lines.get(0).startsWith("Name") && lines.get(0).contains("Raft Version"),
        lines.get(0));
    assertEquals(4, lines.size(), out.toString());
    assertEquals(1, lines.stream().filter(l -> l.matches(".*\\balive\\s+true\\b.*")).count(),
        out.toString());
  }

  @Test
  void tooFewServersForBootstrapExpectIsAConfigError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("agent.hcl");
    Files.writeString(file, """
        data_dir = "%s"
        ports {
          http = %d
          rpc  = %d
        }
        server {
          enabled          = true
          bootstrap_expect = 3
        }
        client {
          enabled = false
        }
        """.formatted(dir.resolve("data"), freePort(), freePort()));
    AgentConfig cfg = AgentConfigParser.parse(file, AgentConfig.dev(null));

    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> Agent.start(cfg, new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8), null));

    assertTrue(e.getMessage().startsWith("server.bootstrap_expect: 3 servers expected"),
        e.getMessage());
  }
}
