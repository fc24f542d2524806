package dev.caravan.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  static long percentile(List<Long> sorted, double p) {
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
