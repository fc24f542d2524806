package dev.caravan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 9's webhook figure: a {@code caravan agent -dev} receives signed-less GitHub push
 * deliveries for its repo-template source at a fixed rate (open loop: sends are paced, not
 * waiting for answers); prints the latency percentiles of the answers (202 expected, each push
 * queues a sync that coalesces with the others), the status counts, and the agent's heap after
 * a full GC at the start and at the end (through {@code jcmd}).
 *
 * <p>Usage: {@code java -cp bench/target/classes:agent/target/caravan.jar
 * dev.caravan.bench.WebhookThroughputBench [seconds=600] [rate=200]} from the repository root,
 * after {@code ./caravan version} built the jar.
 */
public final class WebhookThroughputBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 600;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path home = Path.of("").toAbsolutePath();
    Path jar = home.resolve("agent/target/caravan.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("build the jar first: ./caravan version");
    }
    Path tmp = TempDirs.create("caravan-webhook-bench-");
    int http = freePort();
    Path cfg = tmp.resolve("agent.hcl");
    Files.writeString(cfg, "ports {\n  http = " + http + "\n  rpc = " + freePort() + "\n}\n");
    Process agent = new ProcessBuilder("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dcaravan.home=" + home, "-jar", jar.toString(), "agent", "-dev", "-config", cfg.toString(),
        "-data-dir", tmp.resolve("data").toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("agent.log").toFile()).start();
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .executor(java.util.concurrent.Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "bench-client");
            t.setDaemon(true); // the JVM exits when the bench is done
            return t;
          })).build();
      String base = "http://127.0.0.1:" + http;
      String url = awaitSourceUrl(client, base);
      // Let the first sync and the JIT settle before measuring.
      Thread.sleep(3_000);
      long heapStartKb = heapAfterGcKb(agent.pid());

      List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>(seconds * rate));
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
      long intervalNanos = 1_000_000_000L / rate;
      long start = System.nanoTime();
      long total = (long) seconds * rate;
      List<java.util.concurrent.CompletableFuture<?>> inFlight = new ArrayList<>();
      List<Long> heapSamplesKb = new ArrayList<>();
      long nextSample = start + Duration.ofSeconds(60).toNanos();
      for (long i = 0; i < total; i++) {
        long due = start + i * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + String.format("%040x", i)
            + "\",\"repository\":{\"clone_url\":\"" + url + "\"}}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/webhooks/github"))
            .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", "bench-" + i)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        inFlight.add(client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
          if (e != null) {
            errors.add(e.toString());
          } else {
            latenciesMicros.add((System.nanoTime() - t0) / 1_000);
            statuses.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
          }
        }));
        if (inFlight.size() > 10_000) {
          inFlight.removeIf(java.util.concurrent.CompletableFuture::isDone);
        }
        if (System.nanoTime() > nextSample) {
          heapSamplesKb.add(heapAfterGcKb(agent.pid()));
          nextSample += Duration.ofSeconds(60).toNanos();
        }
      }
      java.util.concurrent.CompletableFuture.allOf(inFlight.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
          .exceptionally(e -> null).join();
      double elapsed = (System.nanoTime() - start) / 1e9;
      long heapEndKb = heapAfterGcKb(agent.pid());
      List<Long> sorted = new ArrayList<>(latenciesMicros);
      Collections.sort(sorted);
      Map<Integer, Integer> counts = new TreeMap<>();
      statuses.forEach((k, v) -> counts.put(k, v.get()));
      System.out.printf("{\"benchmark\":\"webhook-throughput\",\"seconds\":%d,\"target_rate\":%d,"
              + "\"achieved_rate\":%.1f,\"requests\":%d,\"statuses\":%s,\"errors\":%d,"
              + "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"p999_ms\":%.2f,\"max_ms\":%.2f,"
              + "\"heap_after_gc_kb_start\":%d,\"heap_after_gc_kb_per_minute\":%s,\"heap_after_gc_kb_end\":%d}%n",
          seconds, rate, sorted.size() / elapsed, sorted.size(), JSON.writeValueAsString(counts), errors.size(),
          pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 0.999), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1000.0,
          heapStartKb, heapSamplesKb, heapEndKb);
    } finally {
      agent.destroy();
      agent.waitFor();
      deleteTree(tmp);
    }
  }

  private static double pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1000.0;
  }

  private static String awaitSourceUrl(HttpClient client, String base) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        JsonNode sources = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(base + "/v1/caravan/sources"))
            .build(), HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode s : sources) {
          if (s.hasNonNull("URL")) {
            return s.get("URL").asText();
          }
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the agent did not list its repo-template source within 60 s");
  }

  /** Used heap after a full GC, from {@code jcmd PID GC.heap_info} after {@code jcmd PID GC.run}. */
  private static long heapAfterGcKb(long pid) throws Exception {
    run("jcmd", Long.toString(pid), "GC.run");
    String info = run("jcmd", Long.toString(pid), "GC.heap_info");
    long used = 0;
    for (String line : info.split("\n")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("generation .*used (\\d+)K").matcher(line);
      if (m.find()) {
        used += Long.parseLong(m.group(1));
      }
    }
    return used;
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
