package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a server's log endpoint treats an allocation on another node it cannot forward to. */
class ClientFsApiForwardingTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private Javalin app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.stop();
    }
  }

  private HttpResponse<String> logsOf(Allocation alloc, Node node) throws Exception {
    ClientFsApi api = new ClientFsApi(id -> Optional.of(alloc).filter(a -> a.id().equals(id)),
        id -> null, new ClientFsApi.Nodes(() -> null,
            id -> Optional.ofNullable(node).filter(n -> n.id().equals(id))));
    app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      api.routes(cfg.routes);
      cfg.routes.exception(HttpApi.ApiException.class,
          (e, ctx) -> ctx.status(e.status).result(e.getMessage()));
    }).start("127.0.0.1", 0);
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
        + "/v1/client/fs/logs/" + alloc.id() + "?task=main&type=stdout&plain=true")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Allocation allocOn(String nodeId) {
    Job job = TestAgent.shellJob("web", Job.TYPE_SERVICE, "echo hi");
    return Allocation.builder().id("a1b2c3").nodeId(nodeId).job(job).jobId(job.id())
        .taskGroup("g").build();
  }

  private static String error(HttpResponse<String> r) {
    return r.body();
  }

  @Test
  void aNodeThatAdvertisesNoHttpAddressIsA502NamingIt() throws Exception {
    Node node = Node.builder().id("node-1").name("worker-7").build();

    HttpResponse<String> r = logsOf(allocOn("node-1"), node);

    assertEquals(502, r.statusCode());
    assertTrue(error(r).contains("\"worker-7\" (node-1)")
        && error(r).contains("advertises no HTTP address"), error(r));
  }

  @Test
  void aNodeTheServersNoLongerKnowIsA502NamingItsId() throws Exception {
    HttpResponse<String> r = logsOf(allocOn("node-9"), null);

    assertEquals(502, r.statusCode());
    assertTrue(error(r).contains("node \"node-9\""), error(r));
  }
}
