package dev.caravan.cluster.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.NomadJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * The servers as seen by a client on another machine: their {@code /v1/client/...} HTTP
 * endpoints, JSON with Nomad's field names. A request goes to the server that answered last;
 * when it cannot be reached, times out or answers 5xx, the next server of the list is tried,
 * and the first that answers is remembered. When none answers the call fails with 503 (the
 * caller backs off and keeps its tasks running). A 4xx answer is the servers' verdict and is
 * not retried elsewhere.
 *
 * <p>Every call has an asynchronous form, so that one process can simulate many clients over
 * one shared {@link HttpClient}.
 */
public final class HttpServers implements ClientServers {
  private static final ObjectMapper JSON = NomadJson.mapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** Short: a heartbeat stuck on one server must leave time to reach another within the TTL. */
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
  private static final int DEFAULT_PORT = 4646;

  private final List<URI> servers;
  private final HttpClient http;
  private volatile int preferred;

  /**
   * @param servers server HTTP addresses, {@code host:port} (or full {@code http://} URLs)
   * @param http the client to send with; shared by as many callers as one likes
   * @throws IllegalArgumentException when the list is empty or an address is malformed
   */
  public HttpServers(List<String> servers, HttpClient http) {
    if (servers == null || servers.isEmpty()) {
      throw new IllegalArgumentException("servers: at least one server address is required");
    }
    List<URI> uris = new ArrayList<>();
    for (String s : servers) {
      uris.add(baseUri(s));
    }
    this.servers = List.copyOf(uris);
    this.http = http;
  }

  public HttpServers(List<String> servers) {
    this(servers, newHttpClient());
  }

  /** A client fit for long polls: HTTP/1.1, a short connect timeout. */
  public static HttpClient newHttpClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT).build();
  }

  static URI baseUri(String address) {
    String a = address == null ? "" : address.strip();
    if (!a.isEmpty() && !a.contains(":")) {
      a = a + ":" + DEFAULT_PORT; // as Nomad: a bare host means the default port
    }
    String url = a.startsWith("http://") || a.startsWith("https://") ? a : "http://" + a;
    URI uri;
    try {
      uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("servers: not a host:port address: \"" + address + "\"");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("servers: not a host:port address: \"" + address + "\"");
    }
    return uri;
  }

  /** The server the next request goes to first. */
  public URI current() {
    return servers.get(preferred);
  }

  // ---- synchronous forms (ClientServers) ----

  @Override
  public Duration registerNode(Node node) throws ClusterException {
    return join(registerNodeAsync(node));
  }

  @Override
  public Duration heartbeat(String nodeId) throws ClusterException {
    return join(heartbeatAsync(nodeId));
  }

  @Override
  public NodeAllocations allocations(String nodeId, long index, Duration wait)
      throws ClusterException, InterruptedException {
    CompletableFuture<NodeAllocations> f = allocationsAsync(nodeId, index, wait);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  @Override
  public void updateAllocs(List<Allocation> updates) throws ClusterException {
    join(updateAllocsAsync(updates));
  }

  // ---- asynchronous forms ----

  /** {@code POST /v1/client/node/register} with {@code {"Node": ...}}; the TTL. */
  public CompletableFuture<Duration> registerNodeAsync(Node node) {
    byte[] body = json(Map.of("Node", node));
    return send(base -> post(base, "/v1/client/node/register", body, REQUEST_TIMEOUT),
        HttpServers::ttl);
  }

  /** {@code PUT /v1/client/node/{id}/heartbeat}; the TTL. */
  public CompletableFuture<Duration> heartbeatAsync(String nodeId) {
    return send(base -> HttpRequest.newBuilder(base.resolve("/v1/client/node/" + enc(nodeId)
        + "/heartbeat")).timeout(HEARTBEAT_TIMEOUT).PUT(HttpRequest.BodyPublishers.noBody())
        .build(), HttpServers::ttl);
  }

  /** {@code GET /v1/client/node/{id}/allocations?index=N&wait=Ms}; a blocking query. */
  public CompletableFuture<NodeAllocations> allocationsAsync(String nodeId, long index,
      Duration wait) {
    // the server may add up to wait/16 of jitter, and the answer takes its time to travel
    Duration timeout = wait.plus(wait.dividedBy(16)).plus(REQUEST_TIMEOUT);
    String path = "/v1/client/node/" + enc(nodeId) + "/allocations?index=" + index + "&wait="
        + wait.toMillis() + "ms";
    return send(base -> HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build(),
        bytes -> JSON.readValue(bytes, NodeAllocations.Wire.class).toAllocations());
  }

  /** {@code POST /v1/client/allocations/update} with {@code {"Alloc": [...]}}; the index. */
  public CompletableFuture<Long> updateAllocsAsync(List<Allocation> updates) {
    byte[] body = json(Map.of("Alloc", updates));
    return send(base -> post(base, "/v1/client/allocations/update", body, REQUEST_TIMEOUT),
        bytes -> JSON.readTree(bytes).path("Index").asLong());
  }

  // ---- failover ----

  private interface Parser<T> {
    T parse(byte[] body) throws IOException;
  }

  private <T> CompletableFuture<T> send(Function<URI, HttpRequest> request, Parser<T> parser) {
    return attempt(request, parser, preferred, 0, null);
  }

  private <T> CompletableFuture<T> attempt(Function<URI, HttpRequest> request, Parser<T> parser,
      int start, int tried, String lastProblem) {
    if (tried >= servers.size()) {
      return CompletableFuture.failedFuture(new ClusterException(503,
          "no server answers (tried " + servers + "): " + lastProblem));
    }
    int at = (start + tried) % servers.size();
    URI base = servers.get(at);
    return http.sendAsync(request.apply(base), HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, error) -> {
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
            if (cause instanceof CancellationException) {
              return CompletableFuture.<T>failedFuture(cause);
            }
            return attempt(request, parser, start, tried + 1, base.getAuthority() + ": "
                + cause);
          }
          int status = response.statusCode();
          if (status >= 500) {
            return attempt(request, parser, start, tried + 1, base.getAuthority() + ": "
                + status + " " + errorMessage(response.body()));
          }
          preferred = at;
          if (status >= 400) {
            return CompletableFuture.<T>failedFuture(
                new ClusterException(status, errorMessage(response.body())));
          }
          try {
            return CompletableFuture.completedFuture(parser.parse(response.body()));
          } catch (IOException | RuntimeException e) {
            return CompletableFuture.<T>failedFuture(new ClusterException(502,
                base.getAuthority() + ": unreadable answer: " + e.getMessage(), e));
          }
        })
        .thenCompose(f -> f);
  }

  private static HttpRequest post(URI base, String path, byte[] body, Duration timeout) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  private static Duration ttl(byte[] body) throws IOException {
    JsonNode ttl = JSON.readTree(body).path("HeartbeatTTL");
    if (!ttl.isIntegralNumber()) {
      throw new IOException("HeartbeatTTL: expected integer nanoseconds, got " + ttl);
    }
    return Duration.ofNanos(ttl.asLong());
  }

  private static String errorMessage(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.hasNonNull("error")) {
        return n.get("error").asText();
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: the text itself
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode request: " + e.getMessage(), e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static <T> T join(CompletableFuture<T> f) throws ClusterException {
    try {
      return f.join();
    } catch (CompletionException | CancellationException e) {
      throw unwrap(e.getCause() == null ? e : e.getCause());
    }
  }

  private static ClusterException unwrap(Throwable t) {
    if (t instanceof ClusterException c) {
      return c;
    }
    return new ClusterException(503, String.valueOf(t.getMessage()), t);
  }
}
