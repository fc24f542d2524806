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
 * Real {@code caravan agent -config FILE} processes started with the {@code caravan} launcher
 * (which execs the JVM, so the process id is the agent's), and what the client benches read of
 * them in {@code /proc}.
 */
final class AgentProcesses implements AutoCloseable {
  private final Path home = Path.of("").toAbsolutePath();
  private final Path dir;
  private final List<Process> started = new ArrayList<>();

  AgentProcesses(Path dir) {
    this.dir = dir;
    if (!Files.exists(home.resolve("agent/target/caravan.jar"))) {
      throw new IllegalStateException("build the jar first: ./caravan version");
    }
  }

  /** Starts {@code caravan agent -config <name>.hcl} with {@code hcl} as the file. */
  Process start(String name, String hcl) throws IOException {
    Path cfg = dir.resolve(name + ".hcl");
    Files.writeString(cfg, hcl);
    Process p = new ProcessBuilder(home.resolve("caravan").toString(), "agent", "-config",
        cfg.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    started.add(p);
    return p;
  }

  /** {@code n} server configs forming one Raft group; each entry is {http port, rpc port}. */
  static List<int[]> serverPorts(int n) throws IOException {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new int[] {freePort(), freePort()});
    }
    return out;
  }

  String serverHcl(int i, List<int[]> ports) {
    List<String> join = new ArrayList<>();
    for (int[] p : ports) {
      join.add("\"127.0.0.1:" + p[1] + "\"");
    }
    return """
        data_dir  = "%s"
        bind_addr = "127.0.0.1"
        ports {
          http = %d
          rpc  = %d
        }
        server {
          enabled          = true
          bootstrap_expect = %d
          server_join {
            retry_join = [%s]
          }
        }
        client {
          enabled = false
        }
        """.formatted(dir.resolve("server" + i), ports.get(i)[0], ports.get(i)[1], ports.size(),
        String.join(", ", join));
  }

  /** Waits until {@code GET /v1/status/leader} names a leader on the given HTTP port. */
  static void awaitLeader(int httpPort, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
            + "/v1/status/leader")).build(), HttpResponse.BodyHandlers.ofString()).body();
        if (body.length() > 2 && body.startsWith("\"")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no leader on port " + httpPort);
  }

  /** {@code GET path} on a server: the body, or "" when it does not answer. */
  static String get(int httpPort, String path) throws InterruptedException {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + httpPort + path)).build(), HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    }
  }

  static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** utime + stime of a process in clock ticks ({@code /proc/PID/stat} fields 14 and 15). */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // f[0] is field 3 (state): utime is field 14, stime field 15
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** Clock ticks per second ({@code getconf CLK_TCK}; 100 on Linux in practice). */
  static long ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return 100;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String uptime() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : started) {
      p.destroy();
    }
    for (Process p : started) {
      if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor();
      }
    }
  }
}
