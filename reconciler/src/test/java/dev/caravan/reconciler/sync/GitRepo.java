package dev.caravan.reconciler.sync;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A bare repository and a clone of it, driven by the real {@code git} command. */
final class GitRepo {
  final Path bare;
  final Path work;
  private final Path home;

  GitRepo(Path tmp, String name) throws Exception {
    this.home = tmp;
    this.bare = tmp.resolve(name + ".git");
    this.work = tmp.resolve(name + "-work");
    git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
    git(tmp, "clone", "-q", bare.toString(), work.toString());
  }

  String url() {
    return bare.toUri().toString();
  }

  GitRepo write(String path, String text) throws Exception {
    Path f = work.resolve(path);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return this;
  }

  GitRepo delete(String path) throws Exception {
    git(work, "rm", "-q", path);
    return this;
  }

  GitRepo move(String from, String to) throws Exception {
    Files.createDirectories(work.resolve(to).getParent());
    git(work, "mv", from, to);
    return this;
  }

  /** Commits everything and pushes; returns the new head. */
  String push(String message) throws Exception {
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", message);
    git(work, "push", "-q", "origin", "HEAD:main");
    return head();
  }

  String revert(String commit) throws Exception {
    git(work, "revert", "--no-edit", commit);
    git(work, "push", "-q", "origin", "HEAD:main");
    return head();
  }

  String head() throws Exception {
    return git(work, "rev-parse", "HEAD").trim();
  }

  String git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Test",
        "-c", "user.email=test@localhost", "-c", "commit.gpgsign=false"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("HOME", home.toString());
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("git " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  static String job(String name, int count) {
    return job(name, count, "busybox:1");
  }

  static String job(String name, int count, String image) {
    return """
        job "%s" {
          group "g" {
            count = %d
            task "t" {
              driver = "mock"
              config {
                image = "%s"
              }
              resources {
                cpu    = 10
                memory = 16
              }
            }
          }
        }
        """.formatted(name, count, image);
  }
}
