package dev.caravan.agent;

import static dev.caravan.agent.E2e.awaitTrue;
import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caravan.reconciler.git.SourceConfig;
import dev.caravan.webhook.Provider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed GitHub pull request webhook reaches a running agent: the request's head
 * ({@code refs/pull/7/head} of the source's own repository) is planned against the live
 * cluster, the plan is published as one comment (created, then edited in place on the next
 * push) and as the head commit's {@code caravan/plan} status, on a local stand-in of GitHub's
 * REST API that checks paths, methods and the token.
 */
class PullRequestPreviewEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "hook-secret";
  private static final String TOKEN = "ghp_test";
  @TempDir Path tmp;

  @Test
  void aPullRequestGetsItsPlanAsACommentEditedInPlaceAndACommitStatus() throws Exception {
    Path bare = tmp.resolve("jobs.git");
    Path work = tmp.resolve("work");
    git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
    git(tmp, "clone", "-q", bare.toString(), work.toString());
    Files.createDirectories(work.resolve("jobs"));
    Files.writeString(work.resolve("jobs/web.hcl"), job("web", 1));
    git(work, "add", ".");
    git(work, "commit", "-q", "-m", "add web");
    git(work, "push", "-q", "origin", "HEAD:main");
    String url = bare.toUri().toString();

    try (FakeGitHub github = new FakeGitHub()) {
      int http = freePort();
      AgentConfig cfg = new AgentConfig(tmp.resolve("data"), "127.0.0.1", http, freePort(), true,
          1, List.of(), true, List.of(), false, false,
          List.of(new SourceConfig("prod", url, "main", null, Duration.ofHours(1))),
          Map.of("prod", new SourceHooks(SECRET,
              new SourceHooks.Preview(Provider.GITHUB, github.url(), "acme/jobs", TOKEN))));
      String addr = "http://127.0.0.1:" + http;
      try (Agent agent = Agent.start(cfg, new PrintStream(new ByteArrayOutputStream(), true,
          StandardCharsets.UTF_8), null)) {
        awaitTrue(() -> agent.server().state().job("default", "web").isPresent(), "web synced");

        Files.writeString(work.resolve("jobs/web.hcl"), job("web", 3));
        Files.writeString(work.resolve("jobs/broken.hcl"), "job \"broken\" {\n  group \"g\" {\n");
        git(work, "add", ".");
        git(work, "commit", "-q", "-m", "scale web, add a broken file");
        git(work, "push", "-q", "origin", "HEAD:refs/pull/7/head");
        String head1 = git(work, "rev-parse", "HEAD").trim();

        assertEquals(401, deliver(addr, "opened", head1, url, "wrong-secret").statusCode());
        HttpResponse<String> accepted = deliver(addr, "opened", head1, url, SECRET);
        assertEquals(202, accepted.statusCode(), accepted.body());
        awaitTrue(() -> github.finalStatus(head1) != null, "a final status for the first head");

        assertEquals("failure", github.finalStatus(head1).path("state").asText(),
            "a file that does not parse fails the plan");
        assertEquals(1, github.comments.size());
        String body = github.comments.values().iterator().next();
        assertTrue(body.startsWith("<!-- caravan-plan source=prod part=1 -->"), body);
        assertTrue(body.contains("1 to update"), body);
        assertTrue(body.contains("- TaskGroups[g].Count: 1\n+ TaskGroups[g].Count: 3"), body);
        assertTrue(body.contains("jobs/broken.hcl:"), body);
        assertEquals(1, agent.server().state().job("default", "web").orElseThrow().taskGroups()
            .get(0).count(), "a preview changes nothing");

        git(work, "rm", "-q", "jobs/broken.hcl");
        git(work, "commit", "-q", "-m", "drop the broken file");
        git(work, "push", "-q", "-f", "origin", "HEAD:refs/pull/7/head");
        String head2 = git(work, "rev-parse", "HEAD").trim();
        assertEquals(202, deliver(addr, "synchronize", head2, url, SECRET).statusCode());
        awaitTrue(() -> github.finalStatus(head2) != null, "a final status for the second head");

        assertEquals("success", github.finalStatus(head2).path("state").asText());
        assertEquals(1, github.comments.size(), "the comment is edited, not added");
        assertTrue(github.comments.values().iterator().next().contains("1 to update"));
        assertTrue(github.requests.stream().anyMatch(r -> r.startsWith("PATCH /repos/acme/jobs/issues/comments/")),
            github.requests.toString());
        assertTrue(github.requests.stream().allMatch(r -> r.endsWith(" auth-ok")), github.requests.toString());

        java.io.StringWriter out = new java.io.StringWriter();
        int code = Main.run(new String[] {"plan", "-address", addr, "-source", "prod", "-ref",
            "refs/pull/7/head", "-format", "markdown"}, new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(new java.io.StringWriter(), true));
        assertEquals(1, code, "CI mode: the same preview, exit 1 for changes: " + out);
        assertTrue(out.toString().startsWith("### Caravan plan for `prod`"), out.toString());
        assertTrue(out.toString().contains("1 to update"), out.toString());
        java.io.StringWriter err = new java.io.StringWriter();
        assertEquals(255, Main.run(new String[] {"plan", "-address", addr, "-source", "prod",
            "-format", "yaml"}, new java.io.PrintWriter(new java.io.StringWriter(), true),
            new java.io.PrintWriter(err, true)));
        assertTrue(err.toString().contains("-format: expected text, markdown or json, got \"yaml\""),
            err.toString());
      }
    }
  }

  private static HttpResponse<String> deliver(String addr, String action, String head, String url,
      String secret) throws Exception {
    String body = JSON.writeValueAsString(Map.of(
        "action", action,
        "number", 7,
        "pull_request", Map.of("number", 7, "merged", false,
            "head", Map.of("sha", head, "ref", "feature"),
            "base", Map.of("ref", "main")),
        "repository", Map.of("clone_url", url, "full_name", "acme/jobs")));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(addr + "/v1/webhooks/github"))
        .header("X-GitHub-Event", "pull_request")
        .header("X-GitHub-Delivery", action + "-" + head + "-" + secret)
        .header("X-Hub-Signature-256", signature)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GitHub's issue comments and commit statuses for acme/jobs#7, in memory. */
  private static final class FakeGitHub implements AutoCloseable {
    final HttpServer server;
    final Map<Long, String> comments = new TreeMap<>();
    final List<JsonNode> statuses = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    long nextId = 1;

    FakeGitHub() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    JsonNode finalStatus(String sha) {
      for (JsonNode s : statuses) {
        if (s.path("sha").asText().equals(sha) && !s.path("state").asText().equals("pending")) {
          return s;
        }
      }
      return null;
    }

    private synchronized void handle(HttpExchange ex) throws IOException {
      try (ex) {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        boolean auth = ("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"));
        requests.add(method + " " + path + (auth ? " auth-ok" : " auth-missing"));
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String answer = "{}";
        int status = 200;
        if (!auth) {
          status = 401;
        } else if (path.equals("/repos/acme/jobs/issues/7/comments") && method.equals("GET")) {
          List<Map<String, Object>> list = new ArrayList<>();
          comments.forEach((id, text) -> list.add(Map.of("id", id, "body", text)));
          answer = JSON.writeValueAsString(list);
        } else if (path.equals("/repos/acme/jobs/issues/7/comments") && method.equals("POST")) {
          comments.put(nextId, JSON.readTree(body).path("body").asText());
          answer = "{\"id\":" + nextId++ + "}";
          status = 201;
        } else if (path.startsWith("/repos/acme/jobs/issues/comments/") && method.equals("PATCH")) {
          long id = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
          comments.put(id, JSON.readTree(body).path("body").asText());
        } else if (path.startsWith("/repos/acme/jobs/statuses/") && method.equals("POST")) {
          JsonNode s = JSON.readTree(body);
          ((com.fasterxml.jackson.databind.node.ObjectNode) s).put("sha", path.substring(path.lastIndexOf('/') + 1));
          statuses.add(s);
          status = 201;
        } else {
          status = 404;
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private static String job(String name, int count) {
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

  private String git(Path dir, String... args) throws Exception {
    return E2e.git(tmp, dir, args);
  }
}
