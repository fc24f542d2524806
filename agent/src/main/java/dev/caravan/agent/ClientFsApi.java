package dev.caravan.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.client.ClientAgent;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.TaskState;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
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
 *
 * <p>On a server agent, a request for an allocation on another node is forwarded, as Nomad's
 * servers do, to the HTTP API that node advertises ({@code Node.HTTPAddr}); the answer's
 * status, content type and body (streamed, for {@code follow}) are passed through. A node
 * without an address, or one that cannot be reached, is a 502 naming the node and address.
 */
final class ClientFsApi {
  private static final ObjectMapper JSON = NomadJson.mapper();
  private static final int CHUNK = 64 * 1024;
  private static final long FOLLOW_POLL_MILLIS = 200;
  /** Marks a forwarded request: its receiver answers from its own files, never forwards again. */
  static final String FORWARDED_HEADER = "X-Caravan-Forwarded";
  private static final HttpClient FORWARDER = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(java.time.Duration.ofSeconds(5))
      .build();

  private final Function<String, Optional<Allocation>> allocs;
  private final Function<String, Path> allocDirs;
  private final Nodes nodes;

  /**
   * Where allocations on other nodes are: this agent's own client node id (null for none)
   * and the cluster's nodes by id.
   */
  record Nodes(Supplier<String> localNodeId, Function<String, Optional<Node>> byId) {}

  /**
   * @param allocs an allocation id to the allocation, with its tasks' current states
   * @param allocDirs an allocation id to its directory on this client (null when the agent
   *     runs no client)
   * @param nodes where to forward requests for other nodes' allocations; null to never forward
   */
  ClientFsApi(Function<String, Optional<Allocation>> allocs, Function<String, Path> allocDirs,
      Nodes nodes) {
    this.allocs = allocs;
    this.allocDirs = allocDirs;
    this.nodes = nodes;
  }

  /** A server agent's: allocations from the cluster state, forwarded unless on its client. */
  static ClientFsApi onServer(Cluster cluster, Supplier<ClientAgent> client) {
    return new ClientFsApi(id -> cluster.state().alloc(id), id -> {
      ClientAgent c = client.get();
      return c == null ? null : c.allocDir(id);
    }, new Nodes(() -> {
      ClientAgent c = client.get();
      return c == null || c.node() == null ? null : c.node().id();
    }, id -> cluster.state().node(id)));
  }

  /** A client-only agent's: the allocations its client runs, never forwarded. */
  static ClientFsApi onClient(Supplier<ClientAgent> client) {
    return new ClientFsApi(id -> {
      ClientAgent c = client.get();
      return c == null ? Optional.empty() : c.allocation(id);
    }, id -> {
      ClientAgent c = client.get();
      return c == null ? null : c.allocDir(id);
    }, null);
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

    Allocation alloc = allocs.apply(allocId)
        .orElseThrow(() -> new HttpApi.ApiException(404, "unknown allocation \"" + allocId + "\""));
    TaskGroup group = alloc.job() == null ? null : alloc.job().group(alloc.taskGroup());
    if (group == null || group.task(task) == null) {
      throw new HttpApi.ApiException(404,
          "unknown task \"" + task + "\" in allocation \"" + allocId + "\"");
    }
    if (nodes != null && ctx.header(FORWARDED_HEADER) == null
        && !java.util.Objects.equals(alloc.nodeId(), nodes.localNodeId().get())) {
      forward(ctx, alloc);
      return;
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

  /** Passes the request on to the HTTP API of the node that holds the allocation. */
  private void forward(Context ctx, Allocation alloc) throws Exception {
    Node node = nodes.byId().apply(alloc.nodeId()).orElse(null);
    String label = node == null ? "node \"" + alloc.nodeId() + "\""
        : "node \"" + node.name() + "\" (" + node.id() + ")";
    String address = node == null ? null : node.httpAddr();
    if (address == null || address.isBlank()) {
      throw new HttpApi.ApiException(502, "allocation \"" + alloc.id() + "\" runs on " + label
          + ", which advertises no HTTP address (HTTPAddr) to read its logs from");
    }
    String query = ctx.queryString();
    URI uri;
    try {
      uri = URI.create("http://" + address + "/v1/client/fs/logs/"
          + URLEncoder.encode(alloc.id(), StandardCharsets.UTF_8)
          + (query == null || query.isEmpty() ? "" : "?" + query));
    } catch (IllegalArgumentException e) {
      throw new HttpApi.ApiException(502, label + " advertises an invalid HTTP address \""
          + address + "\": " + e.getMessage());
    }
    HttpResponse<InputStream> response;
    try {
      response = FORWARDER.send(HttpRequest.newBuilder(uri).header(FORWARDED_HEADER, "1")
          .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new HttpApi.ApiException(502, "cannot reach " + label + " at " + address
          + " for the logs of allocation \"" + alloc.id() + "\": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
    ctx.status(response.statusCode()).contentType(
        response.headers().firstValue("Content-Type").orElse("application/json"));
    try (InputStream in = response.body()) {
      OutputStream out = ctx.res().getOutputStream();
      byte[] buffer = new byte[CHUNK];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (n > 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException gone) {
      // either side went away: the answer ends here
    }
  }

  private boolean taskDead(String allocId, String task) {
    return allocs.apply(allocId).map(a -> {
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
