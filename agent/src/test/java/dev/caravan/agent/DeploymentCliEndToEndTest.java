package dev.caravan.agent;

import static dev.caravan.agent.E2e.awaitTrue;
import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.structs.NomadJson;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments through the real HTTP API and the CLI against a dev agent (server and client,
 * mock driver) on loopback: job run with live progress, manual promotion, monitor, history
 * with diffs, revert, and the bad requests answered 400 with the rule named.
 */
class DeploymentCliEndToEndTest {
  private static final ObjectMapper JSON = NomadJson.mapper();
  @TempDir Path tmp;

  @Test
  void runPromoteMonitorHistoryAndRevertThroughTheCli() throws Exception {
    int http = freePort();
    Path config = tmp.resolve("agent.hcl");
    Files.writeString(config, """
        data_dir  = "%s"
        bind_addr = "127.0.0.1"
        ports {
          http = %d
          rpc  = %d
        }
        """.formatted(tmp.resolve("data"), http, freePort()));
    AgentConfig cfg = AgentConfigParser.parse(config, AgentConfig.dev(null));
    String addr = "http://127.0.0.1:" + http;
    try (Agent agent = Agent.start(cfg, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), null)) {
      Path file = tmp.resolve("web.hcl");
      Files.writeString(file, webJob("v0", 1));
      Cli run = cli("job", "run", "-address", addr, file.toString());
      assertEquals(0, run.code, run.out + run.err);
      assertTrue(run.out.contains("==> Deployment") && run.out.contains("successful"), run.out);

      Files.writeString(file, webJob("v1", 1));
      assertEquals(0, cli("job", "run", "-detach", "-address", addr, file.toString()).code);
      awaitTrue(() -> get(addr, "/v1/job/web/deployment").path("StatusDescription").asText()
          .equals("Deployment is running but requires manual promotion")
          && get(addr, "/v1/job/web/deployment").path("TaskGroups").path("web")
              .path("HealthyAllocs").asInt() == 1, "the canary healthy, promotion needed");
      String id = get(addr, "/v1/job/web/deployment").path("ID").asText();

      Response bad = post(addr, "/v1/deployment/promote/" + id, "{\"Groups\": [\"db\"]}");
      assertEquals(400, bad.status, bad.body);
      assertTrue(bad.body.contains("has no task group \\\"db\\\""), bad.body);
      Cli promote = cli("deployment", "promote", "-address", addr, id.substring(0, 8));
      assertEquals(0, promote.code, promote.err);
      Cli monitor = cli("deployment", "status", "-monitor", "-address", addr, id);
      assertEquals(0, monitor.code, monitor.out + monitor.err);
      assertTrue(monitor.out.contains("Deployment completed successfully"), monitor.out);

      Response finished = post(addr, "/v1/deployment/promote/" + id, "{\"All\": true}");
      assertEquals(400, finished.status);
      assertTrue(finished.body.contains("it is successful"), finished.body);
      JsonNode versions = get(addr, "/v1/job/web/versions?diffs=true");
      assertEquals(2, versions.path("Versions").size());
      assertTrue(versions.path("Versions").get(0).path("Stable").asBoolean());
      assertTrue(versions.path("Diffs").get(0).path("Fields").toString()
          .contains("TaskGroups[web].Tasks[server].Env[MARKER]"), versions.toString());
      Cli history = cli("job", "history", "-p", "-address", addr, "web");
      assertTrue(history.out.contains("+/- TaskGroups[web].Tasks[server].Env[MARKER]: \"v0\" => \"v1\""),
          history.out);

      Response noSuchVersion = post(addr, "/v1/job/web/revert",
          "{\"JobID\": \"web\", \"JobVersion\": 9}");
      assertEquals(400, noSuchVersion.status);
      assertTrue(noSuchVersion.body.contains("JobVersion: job web has no version 9"),
          noSuchVersion.body);
      Response tooManyCanaries = post(addr, "/v1/jobs", JSON.writeValueAsString(java.util.Map.of(
          "Job", JSON.readTree(cli("job", "run", "-output", file.toString()).out).path("Job"))
      ).replace("\"Canary\":1", "\"Canary\":5"));
      assertEquals(400, tooManyCanaries.status, tooManyCanaries.body);
      assertTrue(tooManyCanaries.body.contains("canary count (5) can not be greater than the"
          + " group's count (2)"), tooManyCanaries.body);
      assertEquals(1, get(addr, "/v1/job/web").path("Version").asLong(), "state untouched");

      Cli revert = cli("job", "revert", "-address", addr, "web", "0");
      assertEquals(0, revert.code, revert.err);
      awaitTrue(() -> get(addr, "/v1/job/web").path("Version").asLong() == 2
          && get(addr, "/v1/job/web").path("Stable").asBoolean(), "version 2 (= 0) stable");
      assertEquals(3, get(addr, "/v1/job/web/deployments").size());
      assertTrue(cli("deployment", "list", "-address", addr).out.contains("successful"));
    }
  }

  @Test
  void jobRunFollowsAFailingRolloutToItsEndWithExitCode2() throws Exception {
    int http = freePort();
    Path config = tmp.resolve("agent.hcl");
    Files.writeString(config, """
        data_dir  = "%s"
        bind_addr = "127.0.0.1"
        ports {
          http = %d
          rpc  = %d
        }
        """.formatted(tmp.resolve("data"), http, freePort()));
    AgentConfig cfg = AgentConfigParser.parse(config, AgentConfig.dev(null));
    String addr = "http://127.0.0.1:" + http;
    try (Agent agent = Agent.start(cfg, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), null)) {
      Path file = tmp.resolve("web.hcl");
      Files.writeString(file, webJob("v0", 0));
      assertEquals(0, cli("job", "run", "-address", addr, file.toString()).code);

      // the task exits at once and restarts only after 15 s: unhealthy at the healthy deadline
      Files.writeString(file, webJob("v1", 0)
          .replace("healthy_deadline = \"1m\"", "healthy_deadline = \"2s\"")
          .replace("driver = \"mock\"", """
          driver = "mock"
                config {
                  run_for   = "10ms"
                  exit_code = 1
                }"""));
      Cli run = cli("job", "run", "-address", addr, file.toString());

      assertEquals(2, run.code, run.out + run.err);
      assertTrue(run.out.contains("failed: Failed due to unhealthy allocations"), run.out);
      assertTrue(run.out.lines().anyMatch(l -> l.startsWith("web ")), "plain progress lines: "
          + run.out);
    }
  }

  private static String webJob(String marker, int canary) {
    return """
        job "web" {
          update {
            max_parallel     = 1
            canary           = %d
            health_check     = "task_states"
            min_healthy_time = "100ms"
            healthy_deadline = "1m"
          }
          group "web" {
            count = 2
            task "server" {
              driver = "mock"
              env {
                MARKER = "%s"
              }
              resources {
                cpu    = 10
                memory = 16
              }
            }
          }
        }
        """.formatted(canary, marker);
  }

  record Cli(int code, String out, String err) {}

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  record Response(int status, String body) {}

  private static Response post(String addr, String path, String body) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(addr + path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body());
  }

  private static JsonNode get(String addr, String path) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(addr + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

}
