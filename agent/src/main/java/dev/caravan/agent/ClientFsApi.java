package dev.caravan.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.TaskState;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Nomad's client filesystem API for task logs:
 * {@code GET /v1/client/fs/logs/{alloc_id}?task=T&type=stdout|stderr}, with {@code follow},
 * {@code origin=start|end}, {@code offset} and {@code plain}. The logs are the task's rotated
 * files ({@code alloc/logs/<task>.<type>.<n>}) read as one stream, oldest kept file first.
 * Plain answers raw text; otherwise the body is a sequence of Nomad's JSON frames
 * {@code {"Data": base64, "File": "alloc/logs/...", "Offset": n}}. Following ends when the
 * task is dead and everything it wrote was sent, or when the caller goes away.
 */
final class ClientFsApi {
  private static final ObjectMapper JSON = NomadJson.mapper();
  private static final int CHUNK = 64 * 1024;
  private static final long FOLLOW_POLL_MILLIS = 200;

  private final Cluster cluster;
  private final Function<String, Path> allocDirs;

  /**
   * @param allocDirs an allocation id to its directory on this client (null when the agent
   *     runs no client)
   */
  ClientFsApi(Cluster cluster, Function<String, Path> allocDirs) {
    this.cluster = cluster;
    this.allocDirs = allocDirs;
  }

  void routes(RoutesConfig routes) {
    routes.get("/v1/client/fs/logs/{alloc_id}", this::logs);
  }

  private void logs(Context ctx) throws Exception {
    String allocId = ctx.pathParam("alloc_id");
    String task = ctx.queryParam("task");
    String type = ctx.queryParam("type");
    if (task == null || task.isEmpty()) {
      throw new HttpApi.ApiException(400, "must include task name");
    }
    if (!"stdout".equals(type) && !"stderr".equals(type)) {
      throw new HttpApi.ApiException(400, type == null || type.isEmpty() ? "must include type"
          : "unknown log type \"" + type + "\": use stdout or stderr");
    }
    String origin = ctx.queryParam("origin") == null ? "start" : ctx.queryParam("origin");
    if (!origin.equals("start") && !origin.equals("end")) {
      throw new HttpApi.ApiException(400, "origin must be start or end, got \"" + origin + "\"");
    }
    long offset = parseOffset(ctx.queryParam("offset"));
    boolean follow = Boolean.parseBoolean(ctx.queryParam("follow"));
    boolean plain = Boolean.parseBoolean(ctx.queryParam("plain"));

    Allocation alloc = cluster.state().alloc(allocId)
        .orElseThrow(() -> new HttpApi.ApiException(404, "unknown allocation \"" + allocId + "\""));
    TaskGroup group = alloc.job() == null ? null : alloc.job().group(alloc.taskGroup());
    if (group == null || group.task(task) == null) {
      throw new HttpApi.ApiException(404,
          "unknown task \"" + task + "\" in allocation \"" + allocId + "\"");
    }
    Path allocDir = allocDirs.apply(alloc.id());
    if (allocDir == null || !Files.isDirectory(allocDir)) {
      throw new HttpApi.ApiException(404,
          "allocation \"" + allocId + "\" has no files on this client");
    }
    Path logDir = allocDir.resolve("alloc").resolve("logs");

    LogStream stream = new LogStream(logDir, task, type);
    long start = origin.equals("start") ? offset : Math.max(0, stream.size() - offset);
    ctx.status(200).contentType(plain ? "text/plain; charset=utf-8" : "application/json");
    OutputStream out = ctx.res().getOutputStream();
    try {
      stream.copy(start, plain ? new Plain(out) : new Frames(out), follow
          ? () -> taskDead(alloc.id(), task) : () -> true);
    } catch (IOException clientGone) {
      // the caller closed the connection: nothing more to send
    }
  }

  private boolean taskDead(String allocId, String task) {
    return cluster.state().alloc(allocId).map(a -> {
      TaskState s = a.taskStates().get(task);
      return a.isTerminal() || (s != null && TaskState.DEAD.equals(s.state()));
    }).orElse(true);
  }

  private static long parseOffset(String value) throws HttpApi.ApiException {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    try {
      long n = Long.parseLong(value);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new HttpApi.ApiException(400,
          "offset must be a non-negative integer, got \"" + value + "\"");
    }
  }

  /** Where chunks of a log go: as they are, or as Nomad's JSON frames. */
  private interface Sink {
    void write(String file, long fileOffset, byte[] data, int length) throws IOException;
  }

  private record Plain(OutputStream out) implements Sink {
    @Override
    public void write(String file, long fileOffset, byte[] data, int length) throws IOException {
      out.write(data, 0, length);
      out.flush();
    }
  }

  private record Frames(OutputStream out) implements Sink {
    @Override
    public void write(String file, long fileOffset, byte[] data, int length) throws IOException {
      Map<String, Object> frame = new LinkedHashMap<>();
      frame.put("Data", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(data, length)));
      frame.put("File", "alloc/logs/" + file);
      frame.put("Offset", fileOffset + length);
      out.write(JSON.writeValueAsBytes(frame));
      out.flush();
    }
  }

  /** One stream of a task's rotated log files, read as one sequence of bytes. */
  private static final class LogStream {
    private final Path dir;
    private final Pattern name;

    LogStream(Path dir, String task, String type) {
      this.dir = dir;
      this.name = Pattern.compile(Pattern.quote(task + "." + type + ".") + "(\\d+)");
    }

    /** The kept files, oldest first. */
    List<Path> files() throws IOException {
      if (!Files.isDirectory(dir)) {
        return List.of();
      }
      try (Stream<Path> all = Files.list(dir)) {
        List<Path> out = new ArrayList<>(all.filter(f -> name.matcher(
            f.getFileName().toString()).matches()).toList());
        out.sort(Comparator.comparingInt(this::index));
        return out;
      }
    }

    long size() throws IOException {
      long total = 0;
      for (Path f : files()) {
        total += Files.size(f);
      }
      return total;
    }

    private int index(Path f) {
      Matcher m = name.matcher(f.getFileName().toString());
      return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * Copies everything from {@code start} into {@code sink}; then, until {@code done} says so,
     * waits for more (a growing file, a new file after a rotation).
     */
    void copy(long start, Sink sink, java.util.function.BooleanSupplier done)
        throws IOException, InterruptedException {
      byte[] buffer = new byte[CHUNK];
      int fileIndex = -1;
      long position = 0;
      long skip = start;
      while (true) {
        boolean finished = done.getAsBoolean();
        boolean progressed = false;
        for (Path f : files()) {
          int index = index(f);
          if (index < fileIndex) {
            continue;
          }
          if (index > fileIndex) {
            fileIndex = index;
            position = 0;
          }
          long size = Files.size(f);
          if (skip > 0) {
            long skipped = Math.min(skip, size - position);
            position += skipped;
            skip -= skipped;
          }
          try (RandomAccessFile file = new RandomAccessFile(f.toFile(), "r")) {
            file.seek(position);
            int n;
            while (position < size && (n = file.read(buffer, 0,
                (int) Math.min(buffer.length, size - position))) > 0) {
              sink.write(f.getFileName().toString(), position, buffer, n);
              position += n;
              progressed = true;
            }
          }
        }
        if (finished && !progressed) {
          return;
        }
        if (!progressed) {
          Thread.sleep(FOLLOW_POLL_MILLIS);
        }
      }
    }
  }
}
