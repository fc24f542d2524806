package dev.caravan.agent;

import static dev.caravan.agent.E2e.awaitTrue;
import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.structs.Job;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sources API and CLI against a running agent: sources added at run time, status with
 * health, history from Raft, plans of a ref and of a local checkout, drift reported, revert
 * pushed through JGit, removal.
 */
class SourcesApiEndToEndTest {
  private static final ObjectMapper JSON = NomadJson.mapper();
  @TempDir Path tmp;

  @Test
  void sourcesAddedAtRunTimeSyncReportPlanRevertAndGo() throws Exception {
    Path bare = tmp.resolve("jobs.git");
    Path work = tmp.resolve("work");
    git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
    git(tmp, "clone", "-q", bare.toString(), work.toString());
    Files.createDirectories(work.resolve("jobs"));
    Files.writeString(work.resolve("jobs/a.hcl"), mockJob("a", 1));
    git(work, "add", ".");
    git(work, "commit", "-q", "-m", "add a");
    git(work, "push", "-q", "origin", "HEAD:main");
    int http = freePort();
    AgentConfig cfg = AgentConfig.dev(tmp.resolve("data"));
    cfg = new AgentConfig(cfg.dataDir(), "127.0.0.1", http, freePort(), true, 1, List.of(), true,
        List.of(), false, false, List.of());
    String addr = "http://127.0.0.1:" + http;
    try (Agent agent = Agent.start(cfg, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), null)) {
      HttpResponse<String> created = send("POST", addr + "/v1/caravan/sources", """
          {"Name": "app", "URL": "%s", "Interval": "1h", "SelfHeal": false}
          """.formatted(bare.toUri()));
      assertEquals(201, created.statusCode(), created.body());
      assertEquals(409, send("POST", addr + "/v1/caravan/sources", """
          {"Name": "app", "URL": "%s"}""".formatted(bare.toUri())).statusCode());
      HttpResponse<String> typo = send("POST", addr + "/v1/caravan/sources", """
          {"Name": "ops", "URL": "ssh://git@h/ops.git", "Auth": {"SshKeyFile": "/k"}}""");
      assertEquals(400, typo.statusCode(), typo.body());
      assertTrue(typo.body().contains("Auth: unknown key \\\"SshKeyFile\\\""), typo.body());
      HttpResponse<String> noKey = send("POST", addr + "/v1/caravan/sources", """
          {"Name": "ops", "URL": "ssh://git@h/ops.git"}""");
      assertEquals(400, noKey.statusCode(), noKey.body());
      assertTrue(noKey.body().contains("is SSH: set auth"), noKey.body());
      awaitTrue(() -> agent.server().state().job("default", "a").isPresent(), "a synced");
      assertEquals("app", agent.server().state().gitSources().get(0).name(),
          "a run-time source is replicated");
      assertTrue(get(addr + "/v1/caravan/sources/app").path("Runtime").asBoolean());
      awaitTrue(() -> "Healthy".equals(get(addr + "/v1/caravan/sources/app").path("Jobs").path(0)
          .path("Health").asText()), "a is healthy once its allocation runs");

      JsonNode history = get(addr + "/v1/caravan/sources/app/history");
      assertEquals("add a", history.path(0).path("Message").asText());
      assertEquals("Create", history.path(0).path("Jobs").path(0).path("Action").asText());

      Files.writeString(work.resolve("jobs/a.hcl"), mockJob("a", 2));
      git(work, "commit", "-q", "-am", "scale a");
      git(work, "push", "-q", "origin", "HEAD:main");
      String scale = git(work, "rev-parse", "HEAD").trim();
      StringWriter out = new StringWriter();
      int code = Main.run(new String[] {"plan", "-address", addr, "-source", "app", "-ref", "main"},
          new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
      assertEquals(1, code, out.toString());
      assertTrue(out.toString().contains("~ TaskGroups[g].Count: 1 => 2"), out.toString());
      StringWriter err = new StringWriter();
      assertEquals(0, Main.run(new String[] {"plan", "-address", addr, "-source", "app", "-ref",
          git(work, "rev-parse", "HEAD~1").trim()}, new PrintWriter(err, true),
          new PrintWriter(err, true)), err.toString());
      assertEquals(1, Main.run(new String[] {"plan", "-address", addr, work.toString()},
          new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true)));

      assertEquals(0, Main.run(new String[] {"source", "sync", "-address", addr, "app"},
          new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true)));
      awaitTrue(() -> count(agent, "a") == 2, "a scaled by the requested sync");

      Job live = agent.server().state().job("default", "a").orElseThrow();
      send("POST", addr + "/v1/job/a", JSON.writeValueAsString(java.util.Map.of("Job",
          live.toBuilder().taskGroups(List.of(live.taskGroups().get(0).toBuilder().count(4)
              .build())).build())));
      awaitTrue(() -> "OutOfSync".equals(get(addr + "/v1/caravan/sources/app").path("Jobs")
          .path(0).path("Status").asText()), "the API edit is reported as drift within moments");
      StringWriter status = new StringWriter();
      Main.run(new String[] {"source", "status", "-address", addr, "app"},
          new PrintWriter(status, true), new PrintWriter(new StringWriter(), true));
      assertTrue(status.toString().contains("~ TaskGroups[g].Count: 4 => 2"), status.toString());

      StringWriter reverted = new StringWriter();
      assertEquals(0, Main.run(new String[] {"source", "revert", "-address", addr, "app", scale},
          new PrintWriter(reverted, true), new PrintWriter(reverted, true)), reverted.toString());
      awaitTrue(() -> count(agent, "a") == 1, "the revert commit brings back count 1");
      git(work, "pull", "-q", "origin", "main");
      assertTrue(Files.readString(work.resolve("jobs/a.hcl")).contains("count = 1"));

      StringWriter hist = new StringWriter();
      Main.run(new String[] {"source", "history", "-address", addr, "app"},
          new PrintWriter(hist, true), new PrintWriter(new StringWriter(), true));
      assertTrue(hist.toString().contains("Revert \"scale a\""), hist.toString());

      assertEquals(200, send("DELETE", addr + "/v1/caravan/sources/app", null).statusCode());
      assertEquals(404, send("GET", addr + "/v1/caravan/sources/app", null).statusCode());
      assertTrue(agent.server().state().gitSources().isEmpty());
      assertFalse(agent.server().state().job("default", "a").orElseThrow().stop(),
          "removing a source leaves its jobs");
    }
  }

  private static int count(Agent agent, String job) {
    return agent.server().state().job("default", job).map(j -> j.taskGroups().get(0).count())
        .orElse(-1);
  }

  private static String mockJob(String name, int count) {
    return """
        job "%s" {
          group "g" {
            count = %d
            task "t" {
              driver = "mock"
              resources {
                cpu    = 10
                memory = 16
              }
            }
          }
        }
        """.formatted(name, count);
  }

  private static JsonNode get(String url) {
    try {
      return JSON.readTree(send("GET", url, null).body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> send(String method, String url, String body)
      throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String git(Path dir, String... args) throws Exception {
    return E2e.git(tmp, dir, args);
  }
}
