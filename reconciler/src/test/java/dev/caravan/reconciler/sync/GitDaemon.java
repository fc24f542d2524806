package dev.caravan.reconciler.sync;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code git daemon} serving a directory on 127.0.0.1; stoppable and restartable on its port. */
final class GitDaemon implements AutoCloseable {
  private final Path base;
  final int port;
  private Process process;

  GitDaemon(Path base) throws IOException {
    this.base = base;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      this.port = s.getLocalPort();
    }
  }

  String url(String repo) {
    return "git://127.0.0.1:" + port + "/" + repo;
  }

  GitDaemon start() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("git", "daemon", "--reuseaddr", "--export-all",
        "--informative-errors", "--base-path=" + base, "--listen=127.0.0.1", "--port=" + port,
        base.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    pb.environment().put("HOME", base.toString());
    process = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return this;
      } catch (IOException e) {
        if (!process.isAlive()) {
          throw new IllegalStateException("git daemon exited: " + process.exitValue());
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("git daemon did not listen on " + port);
  }

  void stop() throws InterruptedException {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      process = null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
