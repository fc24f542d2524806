package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.client.NodeAllocations;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.NomadJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoints client agents use, served by every server:
 * <ul>
 *   <li>{@code POST /v1/client/node/register} with {@code {"Node": {...}}} answers
 *       {@code {"HeartbeatTTL": nanos, "Index": n}};
 *   <li>{@code PUT /v1/client/node/{id}/heartbeat} answers {@code {"HeartbeatTTL": nanos}}
 *       (404 when the node must register again);
 *   <li>{@code GET /v1/client/node/{id}/allocations?index=N&wait=30s}, a blocking query on the
 *       node's own allocations, answers {@code {"Index", "Allocs", "Jobs", "AllocJobs"}} and
 *       {@code X-Nomad-Index} (see {@link NodeAllocations.Wire});
 *   <li>{@code POST /v1/client/allocations/update} with {@code {"Alloc": [...]}} answers
 *       {@code {"Index": n}}.
 * </ul>
 * Writes at a follower reach the leader through Raft; a heartbeat is no Raft write. Blocking
 * queries hold no thread while they wait ({@link NodeAllocWaiters}).
 */
final class ClientApi {
  private static final ObjectMapper JSON = NomadJson.mapper();
  private static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  private static final Duration MAX_WAIT = Duration.ofMinutes(10);

  private final Cluster cluster;
  private final NodeAllocWaiters waiters;

  ClientApi(Cluster cluster, NodeAllocWaiters waiters) {
    this.cluster = cluster;
    this.waiters = waiters;
  }

  void routes(RoutesConfig routes) {
    routes.post("/v1/client/node/register", this::register);
    routes.put("/v1/client/node/{id}/heartbeat", this::heartbeat);
    routes.post("/v1/client/node/{id}/heartbeat", this::heartbeat);
    routes.get("/v1/client/node/{id}/allocations", this::allocations);
    routes.post("/v1/client/allocations/update", this::updateAllocs);
  }

  private void register(Context ctx) throws Exception {
    JsonNode body = body(ctx);
    JsonNode n = body.get("Node");
    if (n == null || !n.isObject()) {
      throw new HttpApi.ApiException(400, "request body must be {\"Node\": {...}}");
    }
    Node node;
    try {
      node = JSON.treeToValue(n, Node.class);
    } catch (Exception e) {
      throw new HttpApi.ApiException(400, "invalid node: " + e.getMessage());
    }
    Duration ttl = cluster.registerNode(node);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("HeartbeatTTL", ttl.toNanos());
    m.put("Index", cluster.state().index());
    json(ctx, m);
  }

  private void heartbeat(Context ctx) throws Exception {
    Duration ttl = cluster.heartbeat(ctx.pathParam("id"));
    json(ctx, Map.of("HeartbeatTTL", ttl.toNanos()));
  }

  private void allocations(Context ctx) throws Exception {
    String nodeId = ctx.pathParam("id");
    long index = 0;
    String i = ctx.queryParam("index");
    if (i != null) {
      try {
        index = Long.parseLong(i);
      } catch (NumberFormatException e) {
        throw new HttpApi.ApiException(400, "index: not a number: " + i);
      }
    }
    Duration wait = DEFAULT_WAIT;
    String w = ctx.queryParam("wait");
    if (w != null) {
      try {
        wait = Durations.parse(w, "wait");
      } catch (ConfigException e) {
        throw new HttpApi.ApiException(400, e.getMessage());
      }
    }
    Duration bounded = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    boolean knownLeader = !cluster.leaderAddress().isEmpty();
    long since = index;
    ctx.future(() -> waiters.await(nodeId, since, bounded).thenAccept(a -> {
      try {
        ctx.header("X-Nomad-Index", Long.toString(a.index()));
        ctx.header("X-Nomad-KnownLeader", Boolean.toString(knownLeader));
        ctx.contentType("application/json").result(JSON.writeValueAsBytes(a.toWire()));
      } catch (Exception e) {
        ctx.status(500).result("{\"error\":\"cannot encode allocations\"}");
      }
    }));
  }

  private void updateAllocs(Context ctx) throws Exception {
    JsonNode list = body(ctx).get("Alloc");
    if (list == null || !list.isArray()) {
      throw new HttpApi.ApiException(400, "request body must be {\"Alloc\": [...]}");
    }
    List<Allocation> updates = new ArrayList<>();
    for (JsonNode a : list) {
      Allocation alloc;
      try {
        alloc = JSON.treeToValue(a, Allocation.class);
      } catch (Exception e) {
        throw new HttpApi.ApiException(400, "Alloc[" + updates.size() + "]: invalid allocation: "
            + e.getMessage());
      }
      if (alloc.id() == null || alloc.id().isBlank()) {
        throw new HttpApi.ApiException(400, "Alloc[" + updates.size() + "].ID: missing");
      }
      updates.add(alloc);
    }
    long index = cluster.updateAllocsFromClient(updates);
    ctx.header("X-Nomad-Index", Long.toString(index));
    json(ctx, Map.of("Index", index));
  }

  private static JsonNode body(Context ctx) throws HttpApi.ApiException {
    try {
      JsonNode body = JSON.readTree(ctx.bodyAsBytes());
      if (body == null || !body.isObject()) {
        throw new HttpApi.ApiException(400, "request body must be a JSON object");
      }
      return body;
    } catch (java.io.IOException e) {
      throw new HttpApi.ApiException(400, "request body is not JSON: " + e.getMessage());
    }
  }

  private static void json(Context ctx, Object value) throws Exception {
    ctx.contentType("application/json").result(JSON.writeValueAsBytes(value));
  }
}
