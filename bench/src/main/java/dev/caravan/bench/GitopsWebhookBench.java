package dev.caravan.bench;

import dev.caravan.agent.Agent;
import dev.caravan.agent.AgentConfig;
import dev.caravan.agent.AgentConfigParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Issue 8's webhook figure: an agent (server and client, mock driver) with one source polled
 * every hour; for each run a commit changing one job is pushed with {@code git}, then the
 * clock starts, a generic push webhook is posted, and it stops when the server's state holds
 * the job's new version (registered through Raft). Prints p50 and p99 as JSON.
 *
 * <p>Usage: {@code ... dev.caravan.bench.GitopsWebhookBench [runs]}.
 */
public final class GitopsWebhookBench {
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    Path tmp = TempDirs.create("caravan-webhook-bench-");
    Path work = GitopsBenchSupport.repo(tmp, "jobs");
    for (int j = 0; j < 10; j++) {
      GitopsBenchSupport.write(work.resolve("jobs/j" + j + ".hcl"), GitopsBenchSupport.job("j" + j, 1));
    }
    GitopsBenchSupport.push(work, tmp, "ten jobs");
    int http = GitopsBenchSupport.freePort();
    Path cfgFile = tmp.resolve("agent.hcl");
    String url = tmp.resolve("jobs.git").toUri().toString();
    Files.writeString(cfgFile, """
        data_dir = "%s"
        ports {
          http = %d
          rpc  = %d
        }
        gitops {
          source "app" {
            url      = "%s"
            interval = "1h"
          }
        }
        """.formatted(tmp.resolve("data"), http, GitopsBenchSupport.freePort(), url));
    AgentConfig cfg = AgentConfigParser.parse(cfgFile, AgentConfig.dev(null));
    HttpClient client = HttpClient.newHttpClient();
    URI hook = URI.create("http://127.0.0.1:" + http + "/v1/webhooks/generic");
    try (Agent agent = Agent.start(cfg, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), null)) {
      while (agent.server().state().jobs().size() < 10) {
        Thread.sleep(50);
      }
      List<Long> ms = new ArrayList<>();
      for (int r = 0; r < runs; r++) {
        String job = "j" + (r % 10);
        long version = agent.server().state().job("default", job).orElseThrow().version();
        GitopsBenchSupport.write(work.resolve("jobs/" + job + ".hcl"),
            GitopsBenchSupport.job(job, 1 + (r / 10 + 1) % 3 + 1));
        GitopsBenchSupport.push(work, tmp, "change " + job + " run " + r);
        String payload = "{\"ref\": \"refs/heads/main\", \"after\": \"%040x\", \"repository\": {\"clone_url\": \"%s\"}}"
            .formatted(r + 1, url);
        long t0 = System.nanoTime();
        HttpResponse<String> resp = client.send(HttpRequest.newBuilder(hook)
            .header("X-Caravan-Event", "push")
            .POST(HttpRequest.BodyPublishers.ofString(payload)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 202) {
          throw new IllegalStateException(resp.statusCode() + " " + resp.body());
        }
        while (agent.server().state().job("default", job).orElseThrow().version() == version) {
          Thread.sleep(1);
        }
        ms.add((System.nanoTime() - t0) / 1_000_000);
      }
      Collections.sort(ms);
      System.out.printf("{\"benchmark\":\"gitops-webhook-to-registered\",\"runs\":%d,\"p50_ms\":%d,"
              + "\"p99_ms\":%d,\"max_ms\":%d}%n", runs, GitopsBenchSupport.percentile(ms, 0.5),
          GitopsBenchSupport.percentile(ms, 0.99), ms.get(ms.size() - 1));
    }
  }
}
