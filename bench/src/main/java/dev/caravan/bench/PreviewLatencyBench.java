package dev.caravan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issue 9's preview figure: a {@code caravan agent} (the built jar, its own process) with one
 * source of 20 jobs and a {@code preview} block pointing at a local stand-in of GitHub's REST
 * API; each round pushes a change of all 20 jobs to {@code refs/pull/7/head}, delivers a signed
 * {@code pull_request} webhook and times until the stand-in receives the final
 * {@code caravan/plan} status (the comment is written just before it). Prints JSON.
 *
 * <p>Usage: {@code java -cp bench/target/classes:agent/target/caravan.jar
 * dev.caravan.bench.PreviewLatencyBench [rounds=10]} from the repository root, after
 * {@code ./caravan version} built the jar.
 */
public final class PreviewLatencyBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int JOBS = 20;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path home = Path.of("").toAbsolutePath();
    Path jar = home.resolve("agent/target/caravan.jar");
    Path tmp = TempDirs.create("caravan-preview-bench-");
    Map<String, Long> finals = new ConcurrentHashMap<>();
    HttpServer github = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    github.createContext("/", ex -> fakeGitHub(ex, finals));
    github.start();
    Process agent = null;
    try {
      Path bare = tmp.resolve("jobs.git");
      Path work = tmp.resolve("work");
      git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
      git(tmp, "clone", "-q", bare.toString(), work.toString());
      Files.createDirectories(work.resolve("jobs"));
      for (int j = 0; j < JOBS; j++) {
        Files.writeString(work.resolve("jobs/job" + j + ".hcl"), job("job" + j, 1));
      }
      git(work, "add", ".");
      git(work, "commit", "-q", "-m", "20 jobs");
      git(work, "push", "-q", "origin", "HEAD:main");
      String url = bare.toUri().toString();
      int http = freePort();
      Path cfg = tmp.resolve("agent.hcl");
      Files.writeString(cfg, """
          ports {
            http = %d
            rpc  = %d
          }
          gitops {
            source "prod" {
              url      = "%s"
              interval = "1h"
              webhook {
                secret = "bench"
              }
              preview {
                provider   = "github"
                api_url    = "http://127.0.0.1:%d"
                repository = "acme/jobs"
                token      = "t"
              }
            }
          }
          """.formatted(http, freePort(), url, github.getAddress().getPort()));
      agent = new ProcessBuilder("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dcaravan.home=" + home, "-jar", jar.toString(), "agent", "-dev", "-config",
          cfg.toString(), "-data-dir", tmp.resolve("data").toString())
          .redirectErrorStream(true).redirectOutput(tmp.resolve("agent.log").toFile()).start();
      HttpClient client = HttpClient.newHttpClient();
      String addr = "http://127.0.0.1:" + http;
      awaitJobs(client, addr);
      List<Long> millis = new ArrayList<>();
      for (int r = 0; r < rounds + 1; r++) {
        for (int j = 0; j < JOBS; j++) {
          Files.writeString(work.resolve("jobs/job" + j + ".hcl"), job("job" + j, 2 + r));
        }
        git(work, "commit", "-q", "-am", "round " + r);
        git(work, "push", "-q", "-f", "origin", "HEAD:refs/pull/7/head");
        String head = git(work, "rev-parse", "HEAD").trim();
        long t0 = System.nanoTime();
        HttpResponse<String> resp = deliver(client, addr, head, url, r == 0 ? "opened" : "synchronize");
        if (resp.statusCode() != 202) {
          throw new IllegalStateException("webhook answered " + resp.statusCode() + ": " + resp.body());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!finals.containsKey(head) && System.nanoTime() < deadline) {
          Thread.sleep(2);
        }
        if (!finals.containsKey(head)) {
          throw new IllegalStateException("no final status for " + head + " within 60 s");
        }
        if (r > 0) { // the first round warms the JIT and the mirror
          millis.add((finals.get(head) - t0) / 1_000_000);
        }
      }
      List<Long> sorted = new ArrayList<>(millis);
      Collections.sort(sorted);
      System.out.printf("{\"benchmark\":\"pr-preview-latency\",\"jobs_changed\":%d,\"rounds\":%d,"
          + "\"webhook_to_status_ms\":%s,\"p50_ms\":%d,\"max_ms\":%d}%n", JOBS, rounds, millis,
          sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
    } finally {
      if (agent != null) {
        agent.destroy();
        agent.waitFor(30, TimeUnit.SECONDS);
      }
      github.stop(0);
      try (var walk = Files.walk(tmp)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void fakeGitHub(HttpExchange ex, Map<String, Long> finals) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      byte[] body = ex.getRequestBody().readAllBytes();
      String answer = "{}";
      if (ex.getRequestMethod().equals("GET")) {
        answer = "[]"; // no earlier comment: each round creates one (the cost is the same)
      } else if (path.startsWith("/repos/acme/jobs/statuses/")) {
        JsonNode s = JSON.readTree(body);
        if (!s.path("state").asText().equals("pending")) {
          finals.putIfAbsent(path.substring(path.lastIndexOf('/') + 1), System.nanoTime());
        }
      } else if (path.endsWith("/comments")) {
        answer = "{\"id\":1}";
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, bytes.length);
      ex.getResponseBody().write(bytes);
    }
  }

  private static HttpResponse<String> deliver(HttpClient client, String addr, String head,
      String url, String action) throws Exception {
    String body = JSON.writeValueAsString(Map.of("action", action, "number", 7,
        "pull_request", Map.of("number", 7, "merged", false, "head", Map.of("sha", head),
            "base", Map.of("ref", "main")),
        "repository", Map.of("clone_url", url)));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("bench".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String sig = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    return client.send(HttpRequest.newBuilder(URI.create(addr + "/v1/webhooks/github"))
        .header("X-GitHub-Event", "pull_request").header("X-GitHub-Delivery", head)
        .header("X-Hub-Signature-256", sig).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitJobs(HttpClient client, String addr) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        JsonNode jobs = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(addr + "/v1/jobs"))
            .build(), HttpResponse.BodyHandlers.ofString()).body());
        int n = 0;
        for (JsonNode j : jobs) {
          n += j.path("ID").asText().startsWith("job") ? 1 : 0;
        }
        if (n == JOBS) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the 20 jobs were not synced within 120 s");
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

  private static String git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Bench",
        "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
