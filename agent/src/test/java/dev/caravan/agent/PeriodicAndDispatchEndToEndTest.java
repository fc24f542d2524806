package dev.caravan.agent;

import static dev.caravan.agent.E2e.awaitTrue;
import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.structs.DispatchPayload;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.cluster.structs.ParameterizedJobConfig;
import dev.caravan.cluster.structs.PeriodicConfig;
import dev.caravan.cluster.structs.PeriodicLaunch;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Periodic and parameterized jobs through a real agent's HTTP API and CLI: dispatch payload files
 * and meta, the dispatch rules, idempotency tokens, prohibit_overlap skips and force.
 */
class PeriodicAndDispatchEndToEndTest {
  private static final ObjectMapper JSON = NomadJson.mapper();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path tmp;

  @Test
  void dispatchWritesThePayloadFileAndMetaAndRefusesBrokenRules() throws Exception {
    Path proof = tmp.resolve("proof");
    Files.createDirectories(proof);
    try (Agent agent = startAgent()) {
      String api = "http://127.0.0.1:" + agent.httpPort();
      register(api, renderJob(proof, ParameterizedJobConfig.PAYLOAD_OPTIONAL, "render"));
      register(api, renderJob(proof, ParameterizedJobConfig.PAYLOAD_FORBIDDEN, "quiet"));
      register(api, renderJob(proof, ParameterizedJobConfig.PAYLOAD_OPTIONAL, "plain").toBuilder()
          .parameterizedJob(null).build());

      HttpResponse<String> ok = dispatch(api, "render", "hello payload".getBytes(StandardCharsets.UTF_8),
          Map.of("greeting", "hi"), "token-1");

      assertEquals(200, ok.statusCode(), ok.body());
      String child = JSON.readTree(ok.body()).path("DispatchedJobID").asText();
      assertTrue(child.matches("render/dispatch-\\d+-[0-9a-f]{8}"), child);
      Path out = proof.resolve("render.out");
      awaitTrue(() -> Files.exists(out) && read(out).endsWith("\n"), "the dispatched task wrote " + out);
      assertEquals("hello payload|hi|hi\n", read(out));
      String encoded = java.net.URLEncoder.encode(child, StandardCharsets.UTF_8);
      HttpResponse<String> byId = http.send(HttpRequest.newBuilder(
          URI.create(api + "/v1/job/" + encoded)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, byId.statusCode(), "a child job is addressed by its escaped id: " + byId.body());
      assertEquals(child, JSON.readTree(byId.body()).path("ID").asText());
      HttpResponse<String> allocs = http.send(HttpRequest.newBuilder(
          URI.create(api + "/v1/job/" + encoded + "/allocations")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, allocs.statusCode(), allocs.body());
      assertEquals(1, JSON.readTree(allocs.body()).size(), allocs.body());
      assertTrue(agent.server().state().allocsByJob("default", "render").isEmpty(),
          "a parameterized job is never placed itself");
      assertTrue(agent.server().state().evalsByJob("default", "render").isEmpty(),
          "nor evaluated");

      HttpResponse<String> again = dispatch(api, "render", "other".getBytes(StandardCharsets.UTF_8),
          Map.of("greeting", "hello"), "token-1");
      assertEquals(200, again.statusCode(), again.body());
      assertEquals(child, JSON.readTree(again.body()).path("DispatchedJobID").asText());
      assertEquals(1, agent.server().state().childJobs("default", "render").size());

      assertRefused(dispatch(api, "render", null, Map.of(), ""), 400,
          "missing required meta: greeting");
      assertRefused(dispatch(api, "render", null, Map.of("greeting", "hi", "color", "red"), ""), 400,
          "unknown meta key: color (not in meta_required or meta_optional)");
      assertRefused(dispatch(api, "quiet", new byte[] {1}, Map.of("greeting", "hi"), ""), 400,
          "payload forbidden: job \"quiet\" does not accept a payload");
      assertRefused(dispatch(api, "render", new byte[16 * 1024 + 1], Map.of("greeting", "hi"), ""), 400,
          "payload too large: 16385 bytes > 16384 bytes");
      assertRefused(dispatch(api, "plain", null, Map.of(), ""), 400,
          "not parameterized: job \"plain\" is not a parameterized job");
      assertRefused(dispatch(api, "missing", null, Map.of(), ""), 404, "job not found: missing");
    }
  }

  @Test
  void cliDispatchesWithMetaAndPayloadFileAndStatusListsTheChildren() throws Exception {
    Path proof = tmp.resolve("proof");
    Files.createDirectories(proof);
    try (Agent agent = startAgent()) {
      String api = "http://127.0.0.1:" + agent.httpPort();
      register(api, renderJob(proof, ParameterizedJobConfig.PAYLOAD_REQUIRED, "render"));
      Path payload = tmp.resolve("input.txt");
      Files.writeString(payload, "from a file");

      StringWriter out = new StringWriter();
      int code = Main.run(new String[] {"job", "dispatch", "-address", api, "-meta", "greeting=yo",
          "-idempotency-token", "cli-1", "render", payload.toString()}, new PrintWriter(out, true),
          new PrintWriter(new StringWriter(), true));

      assertEquals(0, code, out.toString());
      assertTrue(out.toString().startsWith("Dispatched Job ID = render/dispatch-"), out.toString());
      Path result = proof.resolve("render.out");
      awaitTrue(() -> Files.exists(result) && read(result).endsWith("\n"), "the task wrote " + result);
      assertEquals("from a file|yo|yo\n", read(result));
      StringWriter status = new StringWriter();
      Main.run(new String[] {"job", "status", "-address", api, "render"}, new PrintWriter(status, true),
          new PrintWriter(new StringWriter(), true));
      assertTrue(status.toString().contains("Parameterized = true"), status.toString());
      assertTrue(status.toString().contains("render/dispatch-"), status.toString());
      String child = out.toString().lines().findFirst().orElseThrow()
          .substring("Dispatched Job ID = ".length()).trim();
      StringWriter childStatus = new StringWriter();
      int childCode = Main.run(new String[] {"job", "status", "-address", api, child},
          new PrintWriter(childStatus, true), new PrintWriter(childStatus, true));
      assertEquals(0, childCode, "job status of a child id with a slash: " + childStatus);
      assertTrue(childStatus.toString().contains(child), childStatus.toString());
    }
  }

  @Test
  void prohibitOverlapSkipsFiresWhileAChildRunsAndForceLaunchesAnyway() throws Exception {
    try (Agent agent = startAgent()) {
      String api = "http://127.0.0.1:" + agent.httpPort();
      Job job = Job.builder().id("slow").type(Job.TYPE_BATCH)
          .periodic(new PeriodicConfig(true, "*/2 * * * * * *", null, "cron", true, "UTC"))
          .taskGroups(List.of(TaskGroup.builder().name("g").count(1)
              .tasks(List.of(Task.builder().name("t").driver("mock")
                  .config(Map.of("run_for", "60s")).resources(new Resources(10, 0, 16, 0, 0)).build()))
              .build()))
          .build();
      register(api, job);

      awaitTrue(() -> agent.server().state().periodicLaunch("default", "slow")
          .map(l -> l.history().stream().filter(PeriodicLaunch.Entry::skipped).count() >= 2).orElse(false),
          "two fires skipped while the first child runs");

      PeriodicLaunch record = agent.server().state().periodicLaunch("default", "slow").orElseThrow();
      assertEquals(1, agent.server().state().childJobs("default", "slow").size(), record.toString());
      assertTrue(record.history().stream().filter(PeriodicLaunch.Entry::skipped)
          .allMatch(e -> e.reason().equals("prohibit_overlap: a previous child is still running")
              && e.childId() == null), record.toString());

      StringWriter out = new StringWriter();
      assertEquals(0, Main.run(new String[] {"job", "periodic", "force", "-address", api, "slow"},
          new PrintWriter(out, true), new PrintWriter(new StringWriter(), true)), out.toString());
      assertTrue(out.toString().contains("Evaluation ID = "), out.toString());
      assertEquals(2, agent.server().state().childJobs("default", "slow").size());

      HttpResponse<String> forced = post(api, "/v1/job/slow/periodic/force", "{}");
      JsonNode body = JSON.readTree(forced.body());
      assertEquals(200, forced.statusCode(), forced.body());
      assertTrue(body.has("EvalID") && body.has("EvalCreateIndex") && body.has("Index"), forced.body());
      assertRefused(post(api, "/v1/job/missing/periodic/force", "{}"), 404, "job not found: missing");

      StringWriter status = new StringWriter();
      Main.run(new String[] {"job", "status", "-address", api, "slow"}, new PrintWriter(status, true),
          new PrintWriter(new StringWriter(), true));
      assertTrue(status.toString().contains("Next Periodic Launch = 20"), status.toString());
      assertTrue(status.toString().contains("skipped: prohibit_overlap"), status.toString());
      assertTrue(status.toString().contains("forced"), status.toString());
    }
  }

  @Test
  void childrenOfAPeriodicJobFromGitSurviveAParentUpdateAndAreNotReportedBySync() throws Exception {
    Path bare = tmp.resolve("jobs.git");
    Path work = tmp.resolve("work");
    git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
    git(tmp, "clone", "-q", bare.toString(), work.toString());
    Files.createDirectories(work.resolve("jobs"));
    Files.writeString(work.resolve("jobs/tick.hcl"), tickJob("one"));
    git(work, "add", ".");
    git(work, "commit", "-q", "-m", "add tick");
    git(work, "push", "-q", "origin", "HEAD:main");
    String gitops = """
        gitops {
          source "app" {
            url      = "%s"
            branch   = "main"
            paths    = ["jobs/**/*.hcl"]
            interval = "500ms"
          }
        }
        """.formatted(bare.toUri());
    try (Agent agent = startAgent(gitops)) {
      awaitTrue(() -> agent.server().state().childJobs("default", "tick").size() >= 2,
          "the periodic job from Git launched two children");

      Files.writeString(work.resolve("jobs/tick.hcl"), tickJob("two"));
      git(work, "commit", "-q", "-am", "update tick");
      git(work, "push", "-q", "origin", "HEAD:main");
      awaitTrue(() -> agent.server().state().job("default", "tick").orElseThrow().version() == 1,
          "the parent update synced");
      List<String> before = agent.server().state().childJobs("default", "tick").stream().map(Job::id).toList();
      awaitTrue(() -> agent.server().state().childJobs("default", "tick").size() > before.size() + 1,
          "the updated parent keeps launching");

      for (String id : before) {
        Job child = agent.server().state().job("default", id).orElseThrow();
        assertTrue(!child.stop(), id + " was stopped by the sync");
      }
      HttpResponse<String> sources = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + agent.httpPort() + "/v1/caravan/sources")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      List<String> reported = new java.util.ArrayList<>();
      JSON.readTree(sources.body()).get(0).path("Jobs").forEach(j -> reported.add(j.path("JobID").asText()
          + "=" + j.path("Status").asText()));
      assertEquals(List.of("tick=Synced"), reported, "children are neither reported nor drift");
    }
  }

  private static String tickJob(String label) {
    return """
        job "tick" {
          type = "batch"
          meta {
            label = "%s"
          }
          periodic {
            crons            = ["*/2 * * * * * *"]
            prohibit_overlap = false
          }
          group "g" {
            task "t" {
              driver = "mock"
              config {
                run_for = "100ms"
              }
              resources {
                cpu    = 10
                memory = 16
              }
            }
          }
        }
        """.formatted(label);
  }

  private Agent startAgent() throws Exception {
    return startAgent("");
  }

  private Agent startAgent(String extraConfig) throws Exception {
    Path config = tmp.resolve("agent.hcl");
    Files.writeString(config, """
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
          enabled = true
        }
        plugin "raw_exec" {
          config {
            enabled = true
          }
        }
        %s
        """.formatted(tmp.resolve("data"), freePort(), freePort(), extraConfig));
    AgentConfig cfg = AgentConfigParser.parse(config, AgentConfig.dev(null));
    Agent agent = Agent.start(cfg, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), null);
    awaitTrue(() -> agent.server().isLeader() && !agent.server().state().nodes().isEmpty(),
        "the agent leads and its client registered");
    return agent;
  }

  /** A parameterized raw_exec job whose task writes payload|NOMAD_META_greeting|NOMAD_META_GREETING. */
  private static Job renderJob(Path proof, String payloadRule, String id) {
    String script = "printf '%s|%s|%s\\n' \"$(cat \"$NOMAD_TASK_DIR/input.txt\")\" \"$NOMAD_META_greeting\" "
        + "\"$NOMAD_META_GREETING\" > " + proof.resolve("render.tmp") + " && mv " + proof.resolve("render.tmp")
        + " " + proof.resolve(id + ".out");
    return Job.builder().id(id).type(Job.TYPE_BATCH)
        .parameterizedJob(new ParameterizedJobConfig(payloadRule, List.of("greeting"), List.of("lang")))
        .taskGroups(List.of(TaskGroup.builder().name("g").count(1)
            .tasks(List.of(Task.builder().name("t").driver("raw_exec")
                .config(Map.of("command", "/bin/sh", "args", List.of("-c", script)))
                .dispatchPayload(new DispatchPayload("input.txt"))
                .resources(new Resources(10, 0, 16, 0, 0)).build()))
            .build()))
        .build();
  }

  private void register(String api, Job job) throws Exception {
    HttpResponse<String> r = post(api, "/v1/jobs", JSON.writeValueAsString(Map.of("Job", job)));
    assertEquals(200, r.statusCode(), r.body());
  }

  private HttpResponse<String> dispatch(String api, String job, byte[] payload, Map<String, String> meta,
      String token) throws Exception {
    String body = JSON.writeValueAsString(Map.of(
        "Payload", payload == null ? "" : Base64.getEncoder().encodeToString(payload),
        "Meta", meta, "IdempotencyToken", token));
    return post(api, "/v1/job/" + job + "/dispatch", body);
  }

  private HttpResponse<String> post(String api, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(api + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertRefused(HttpResponse<String> r, int status, String error) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(error, JSON.readTree(r.body()).path("error").asText());
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }

  private String git(Path dir, String... args) throws Exception {
    return E2e.git(tmp, dir, args);
  }
}
