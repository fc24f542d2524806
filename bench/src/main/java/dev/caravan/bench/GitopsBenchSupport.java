package dev.caravan.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Shared by the GitOps benches: real {@code git} repositories, free ports, percentiles. */
final class GitopsBenchSupport {
  private GitopsBenchSupport() {}

  static String git(Path dir, Path home, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Bench",
        "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("HOME", home.toString());
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  /** A bare repository and its clone; returns the clone. */
  static Path repo(Path tmp, String name) throws Exception {
    Path bare = tmp.resolve(name + ".git");
    Path work = tmp.resolve(name);
    git(tmp, tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
    git(tmp, tmp, "clone", "-q", bare.toString(), work.toString());
    return work;
  }

  static void push(Path work, Path home, String message) throws Exception {
    git(work, home, "add", "-A");
    git(work, home, "commit", "-q", "-m", message);
    git(work, home, "push", "-q", "origin", "HEAD:main");
  }

  static String job(String name, int count) {
    return """
        job "%s" {
          group "g" {
            count = %d
            task "t" {
              driver = "mock"
              config {
                run_for = "1h"
              }
              resources {
                cpu    = 10
                memory = 16
              }
            }
          }
        }
        """.formatted(name, count);
  }

  static void write(Path f, String text) throws IOException {
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * CPU time (ns) of the live threads, summed by name with digits and per-instance suffixes
   * dropped (so {@code ForkJoinPool.commonPool-worker-3} counts as
   * {@code ForkJoinPool.commonPool-worker-}); threads that ended are not counted.
   */
  static Map<String, Long> cpuByThreadGroup() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    for (long id : mx.getAllThreadIds()) {
      java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
      long cpu = mx.getThreadCpuTime(id);
      if (info == null || cpu < 0) {
        continue;
      }
      String name = info.getThreadName().replaceAll("^s[0-9_]+", "raft")
          .replaceAll("@group-[0-9A-F]+", "@group").replaceAll("[0-9]+", "");
      out.merge(name, cpu, Long::sum);
    }
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      out.put("(process, all threads incl. JIT and GC)", os.getProcessCpuTime());
    }
    return out;
  }

  /** {@code after - before} per key, in milliseconds, largest first, zeros left out. */
  static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L))
            / 1_000_000))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  static String json(Map<String, Long> m) {
    StringBuilder b = new StringBuilder("{");
    m.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"')
        .append(k.replace("\\", "\\\\").replace("\"", "\\\"")).append("\":").append(v));
    return b.append('}').toString();
  }

  /** The JVM's -X options as given on its command line ("" for the JVM's defaults). */
  static String jvmFlags() {
    return String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean()
        .getInputArguments().stream().filter(a -> a.startsWith("-X")).toList());
  }

  static long percentile(List<Long> sorted, double p) {
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
