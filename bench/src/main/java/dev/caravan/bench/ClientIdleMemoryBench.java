package dev.caravan.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Issue 5's idle client figure: a real client-only {@code caravan agent -config FILE} (started
 * with the {@code caravan} launcher, as a user would) registered to a one-server agent, idle
 * for 30 s; then its resident memory (VmRSS). Target: under 150 MB. Prints JSON.
 *
 * <p>Usage: {@code java -cp bench/target/classes:agent/target/caravan.jar
 * dev.caravan.bench.ClientIdleMemoryBench [idle_seconds]} from the repository root, after
 * {@code ./caravan version} built the jar.
 */
public final class ClientIdleMemoryBench {
  public static void main(String[] args) throws Exception {
    int idleSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Path tmp = TempDirs.create("caravan-client-rss-");
    try (AgentProcesses agents = new AgentProcesses(tmp)) {
      List<int[]> ports = AgentProcesses.serverPorts(1);
      int http = ports.get(0)[0];
      agents.start("server0", agents.serverHcl(0, ports));
      AgentProcesses.awaitLeader(http, Duration.ofSeconds(60));
      Process client = agents.start("client", """
          data_dir = "%s"
          server {
            enabled = false
          }
          client {
            enabled = true
            servers = ["127.0.0.1:%d"]
          }
          """.formatted(tmp.resolve("client"), http));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!AgentProcesses.get(http, "/v1/nodes").contains("\"Status\":\"ready\"")) {
        if (System.nanoTime() > deadline || !client.isAlive()) {
          throw new IllegalStateException("the client never registered; see " + tmp);
        }
        Thread.sleep(200);
      }
      Thread.sleep(idleSeconds * 1000L);
      long rssKb = AgentProcesses.rssKb(client.pid());
      boolean ready = AgentProcesses.get(http, "/v1/nodes").contains("\"Status\":\"ready\"");
      System.out.printf("{\"benchmark\":\"client-idle-rss\",\"idle_s\":%d,\"client_rss_mb\":%d,"
          + "\"target_mb\":150,\"node_ready_after_idle\":%b,\"loadavg\":\"%s\"}%n",
          idleSeconds, rssKb / 1024, ready, AgentProcesses.uptime());
    }
  }

  private ClientIdleMemoryBench() {}
}
