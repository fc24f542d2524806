package dev.caravan.drivers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A container's stdout and stderr followed from the engine's log (docker-java's multiplexed
 * frames) into the task's rotated log files, from the start or from a moment (after recovery).
 */
final class DockerLogStream extends ResultCallback.Adapter<Frame> {
  private final OutputStream stdout;
  private final OutputStream stderr;

  private DockerLogStream(OutputStream stdout, OutputStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static DockerLogStream follow(
      DockerClient api, String id, TaskConfig.LogSettings logs, String task, Instant since)
      throws IOException {
    DockerLogStream stream =
        new DockerLogStream(
            LogRotator.open(logs, task, "stdout"), LogRotator.open(logs, task, "stderr"));
    var cmd = api.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true);
    if (since != null) {
      cmd.withSince((int) since.getEpochSecond());
    }
    cmd.exec(stream);
    return stream;
  }

  @Override
  public void onNext(Frame frame) {
    try {
      switch (frame.getStreamType()) {
        case STDERR -> stderr.write(frame.getPayload());
        case STDOUT, RAW -> stdout.write(frame.getPayload());
        default -> {}
      }
    } catch (IOException e) {
      // the log was closed: the task's output ends here
    }
  }

  void awaitEnd(Duration limit) {
    try {
      awaitCompletion(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // the stream ended with an error: what arrived is in the files
    }
  }

  @Override
  public void onError(Throwable error) {
    // The stream broke (engine restarted, container removed): the logs end here, quietly.
    close();
  }

  @Override
  public void close() {
    try {
      super.close();
    } catch (IOException e) {
      // closing the HTTP stream cannot be retried usefully
    }
    closeQuietly(stdout);
    closeQuietly(stderr);
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException e) {
      // data written is already in the file
    }
  }
}
