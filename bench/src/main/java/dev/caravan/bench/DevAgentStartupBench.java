package dev.caravan.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 2's figures: {@code caravan agent -dev} from process start to the first repo-template
 * job (mock driver, {@code heartbeat}) running, with the jar already built; and the idle
 * agent's resident memory after the first sync. Prints JSON.
 *
 * <p>Usage: {@code java -cp bench/target/classes dev.caravan.bench.DevAgentStartupBench
 * [runs]} from the repository root, after {@code ./caravan version} built the jar.
 */
public final class DevAgentStartupBench {
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path home = Path.of("").toAbsolutePath();
    Path jar = home.resolve("agent/target/caravan.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("build the jar first: ./caravan version");
    }
    List<Long> startMillis = new ArrayList<>();
    List<Long> rssMb = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Path tmp = TempDirs.create("caravan-bench-");
      int http = freePort();
      Path cfg = tmp.resolve("agent.hcl");
      Files.writeString(cfg, "ports {\n  http = " + http + "\n  rpc = " + freePort() + "\n}\n");
      List<String> cmd = List.of("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
          "-Dcaravan.home=" + home, "-jar", jar.toString(), "agent", "-dev", "-config", cfg.toString(),
          "-data-dir", tmp.resolve("data").toString());
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("agent.log").toFile()).start();
      try {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + http + "/v1/job/heartbeat/allocations");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean running = false;
        while (System.nanoTime() < deadline && !running) {
          try {
            String body = client.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            running = body.contains("\"ClientStatus\":\"running\"");
          } catch (IOException e) {
            // not listening yet
          }
          if (!running) {
            Thread.sleep(10);
          }
        }
        if (!running) {
          throw new IllegalStateException("heartbeat never ran; see " + tmp.resolve("agent.log"));
        }
        startMillis.add((System.nanoTime() - t0) / 1_000_000);
        Thread.sleep(5000); // idle after the first sync
        rssMb.add(rssKb(p.pid()) / 1024);
      } finally {
        p.destroy();
        p.waitFor();
        deleteTree(tmp);
      }
    }
    System.out.printf("{\"benchmark\":\"dev-agent-startup\",\"runs\":%d,"
        + "\"start_to_first_job_running_ms\":%s,\"median_ms\":%d,"
        + "\"idle_rss_mb\":%s,\"max_rss_mb\":%d}%n", runs, startMillis, median(startMillis),
        rssMb, rssMb.stream().mapToLong(Long::longValue).max().orElse(0));
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private DevAgentStartupBench() {}
}
