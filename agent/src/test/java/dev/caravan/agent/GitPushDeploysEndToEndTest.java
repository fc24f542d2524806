package dev.caravan.agent;

import static dev.caravan.agent.E2e.awaitTrue;
import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Allocation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton, end to end: an agent syncing a bare Git repository; jobs pushed with
 * the real {@code git} command deploy, scale, and roll back by {@code git revert}.
 */
class GitPushDeploysEndToEndTest {
  @TempDir Path tmp;

  @Test
  void pushDeploysScalesAndRevertRollsBack() throws Exception {
    Path bare = tmp.resolve("jobs.git");
    Path work = tmp.resolve("work");
    Path proof = tmp.resolve("proof");
    Files.createDirectories(proof);
    git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
    git(tmp, "clone", "-q", bare.toString(), work.toString());
    Files.createDirectories(work.resolve("jobs"));
    Files.writeString(work.resolve("jobs/web.hcl"), webJob(1, proof));
    Files.writeString(work.resolve("jobs/broken.hcl"), "job \"broken\" {\n  group \"g\" {\n");
    git(work, "add", ".");
    git(work, "commit", "-q", "-m", "add web");
    git(work, "push", "-q", "origin", "HEAD:main");

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
        gitops {
          source "app" {
            url      = "%s"
            branch   = "main"
            paths    = ["jobs/**/*.hcl"]
            interval = "500ms"
          }
        }
        """.formatted(tmp.resolve("data"), freePort(), freePort(), bare.toUri()));
    AgentConfig cfg = AgentConfigParser.parse(config, AgentConfig.dev(null));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (Agent agent = Agent.start(cfg, new PrintStream(console, true, StandardCharsets.UTF_8), null)) {
      awaitTrue(() -> running(agent, "web") == 1, "one web allocation running");
      awaitTrue(() -> proof.toFile().list().length == 1, "the raw_exec task wrote its proof file");
      assertTrue(console.toString(StandardCharsets.UTF_8).contains("jobs/broken.hcl"),
          "the broken file is reported: " + console);

      Files.writeString(work.resolve("jobs/web.hcl"), webJob(3, proof));
      git(work, "commit", "-q", "-am", "scale web to 3");
      git(work, "push", "-q", "origin", "HEAD:main");
      awaitTrue(() -> running(agent, "web") == 3, "three web allocations running");
      long version = agent.server().state().job("default", "web").orElseThrow().version();

      Files.writeString(work.resolve("jobs/web.hcl"), "job \"web\" {\n  group \"web\" {\n    count = \n");
      git(work, "commit", "-q", "-am", "break web");
      git(work, "push", "-q", "origin", "HEAD:main");
      awaitTrue(() -> console.toString(StandardCharsets.UTF_8).contains("job web (app:jobs/web.hcl): Error"),
          "the broken web.hcl is reported as Error");
      assertEquals(version, agent.server().state().job("default", "web").orElseThrow().version(),
          "a file that does not parse leaves its job as it was");
      assertEquals(3, running(agent, "web"));

      git(work, "revert", "--no-edit", "HEAD");
      git(work, "revert", "--no-edit", "HEAD~2");
      git(work, "push", "-q", "origin", "HEAD:main");
      awaitTrue(() -> running(agent, "web") == 1, "back to one web allocation after the revert");
      assertEquals(1, running(agent, "web"));
    }
  }

  @Test
  void webhookPushSyncsAtOnceWithoutWaitingForThePoll() throws Exception {
    Path bare = tmp.resolve("hook.git");
    Path work = tmp.resolve("hook-work");
    git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
    git(tmp, "clone", "-q", bare.toString(), work.toString());
    Files.createDirectories(work.resolve("jobs"));
    Files.writeString(work.resolve("jobs/a.hcl"), mockJob("a"));
    git(work, "add", ".");
    git(work, "commit", "-q", "-m", "add a");
    git(work, "push", "-q", "origin", "HEAD:main");
    int http = freePort();
    Path config = tmp.resolve("hook.hcl");
    Files.writeString(config, """
        data_dir = "%s"
        ports {
          http = %d
          rpc  = %d
        }
        gitops {
          source "hooked" {
            url      = "%s"
            interval = "1h"
          }
        }
        """.formatted(tmp.resolve("hook-data"), http, freePort(), bare.toUri()));
    AgentConfig cfg = AgentConfigParser.parse(config, AgentConfig.dev(null));
    try (Agent agent = Agent.start(cfg, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), null)) {
      awaitTrue(() -> agent.server().state().job("default", "a").isPresent(), "job a synced at start");

      Files.writeString(work.resolve("jobs/b.hcl"), mockJob("b"));
      git(work, "add", ".");
      git(work, "commit", "-q", "-m", "add b");
      git(work, "push", "-q", "origin", "HEAD:main");
      String payload = """
          {"ref": "refs/heads/main", "after": "0123456789abcdef0123456789abcdef01234567",
           "repository": {"clone_url": "%s"}}""".formatted(bare.toUri());
      var response = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + http + "/v1/webhooks/generic"))
              .header("X-Caravan-Event", "push")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(payload)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());

      assertEquals(202, response.statusCode(), response.body());
      awaitTrue(() -> agent.server().state().job("default", "b").isPresent(),
          "job b synced by the webhook, long before the 1h poll");
    }
  }

  private static String mockJob(String name) {
    return """
        job "%s" {
          group "g" {
            task "t" {
              driver = "mock"
              resources {
                cpu    = 10
                memory = 16
              }
            }
          }
        }
        """.formatted(name);
  }

  private static String webJob(int count, Path proof) {
    return """
        job "web" {
          type = "service"
          group "web" {
            count = %d
            task "server" {
              driver = "raw_exec"
              config {
                command = "/bin/sh"
                args    = ["-c", "touch %s/$NOMAD_ALLOC_ID; exec sleep 600"]
              }
              kill_timeout = "1s"
              resources {
                cpu    = 20
                memory = 16
              }
            }
          }
        }
        """.formatted(count, proof);
  }

  private static long running(Agent agent, String job) {
    List<Allocation> allocs = agent.server().state().allocsByJob("default", job);
    return allocs.stream()
        .filter(a -> !a.isServerTerminal() && Allocation.CLIENT_RUNNING.equals(a.clientStatus()))
        .count();
  }

  private String git(Path dir, String... args) throws Exception {
    return E2e.git(tmp, dir, args);
  }
}
