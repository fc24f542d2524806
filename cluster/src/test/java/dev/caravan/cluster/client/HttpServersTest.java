package dev.caravan.cluster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.caravan.cluster.server.ClusterException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failover of the HTTP client between servers, against small HTTP servers on 127.0.0.1. */
class HttpServersTest {
  private final List<HttpServer> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(s -> s.stop(0));
  }

  /** A server answering every request with {@code status} and {@code body}; counts requests. */
  private String server(int status, String body, AtomicInteger hits) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.createContext("/", ex -> {
      hits.incrementAndGet();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(status, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    s.start();
    started.add(s);
    return "127.0.0.1:" + s.getAddress().getPort();
  }

  private static String closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void aServerThatCannotBeReachedOrAnswers5xxIsPassedOverAndTheOneThatAnswersIsRemembered()
      throws Exception {
    AtomicInteger failing = new AtomicInteger();
    AtomicInteger good = new AtomicInteger();
    String down = closedPort();
    String broken = server(503, "{\"error\":\"no leader\"}", failing);
    String ok = server(200, "{\"HeartbeatTTL\": 12000000000}", good);
    HttpServers servers = new HttpServers(List.of(down, broken, ok));

    Duration first = servers.heartbeat("n1");
    Duration second = servers.heartbeat("n1");

    assertEquals(Duration.ofSeconds(12), first);
    assertEquals(Duration.ofSeconds(12), second);
    assertEquals(1, failing.get(), "the second heartbeat went straight to the server that answered");
    assertEquals(2, good.get());
    assertEquals("http://" + ok, servers.current().toString());
  }

  @Test
  void aRefusalIsTheServersVerdictAndIsNotAskedElsewhere() throws Exception {
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    HttpServers servers = new HttpServers(List.of(
        server(404, "{\"error\":\"node not found: n1\"}", first),
        server(200, "{\"HeartbeatTTL\": 1}", second)));

    ClusterException e = assertThrows(ClusterException.class, () -> servers.heartbeat("n1"));

    assertEquals(404, e.status());
    assertEquals("node not found: n1", e.getMessage());
    assertEquals(0, second.get());
  }

  @Test
  void whenNoServerAnswersTheCallFailsWith503NamingThem() throws Exception {
    String a = closedPort();
    String b = closedPort();
    HttpServers servers = new HttpServers(List.of(a, b));

    ClusterException e = assertThrows(ClusterException.class, () -> servers.heartbeat("n1"));

    assertEquals(503, e.status());
    assertTrue(e.getMessage().startsWith("no server answers (tried [http://" + a + ", http://"
        + b + "])"), e.getMessage());
  }

  @Test
  void aBareHostTakesPort4646AndAnEmptyListIsRefused() {
    assertEquals("http://10.0.0.1:4646", HttpServers.baseUri("10.0.0.1").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HttpServers(List.of()));
    assertEquals("servers: at least one server address is required", e.getMessage());
  }
}
