package dev.caravan.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.structs.NomadJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/operator/raft/configuration} in Nomad's shape:
 * {@code {"Servers": [{"ID", "Node", "Address", "Leader", "Voter", "RaftProtocol"}], "Index"}},
 * plus Caravan's {@code Status} per server ({@code alive}, or {@code failed} when the leader has
 * not heard from it for five seconds).
 */
final class OperatorApi {
  private static final ObjectMapper JSON = NomadJson.mapper();

  private OperatorApi() {}

  static void routes(RoutesConfig routes, Cluster cluster) {
    routes.get("/v1/operator/raft/configuration", ctx -> raftConfiguration(ctx, cluster));
  }

  private static void raftConfiguration(Context ctx, Cluster cluster) throws Exception {
    Cluster.RaftConfiguration conf = cluster.raftConfiguration();
    List<Map<String, Object>> servers = conf.servers().stream().map(s -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ID", s.id());
      m.put("Node", s.node());
      m.put("Address", s.address());
      m.put("Leader", s.leader());
      m.put("Voter", s.voter());
      m.put("RaftProtocol", s.raftProtocol());
      m.put("Status", s.status());
      return m;
    }).toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("Servers", servers);
    body.put("Index", conf.index());
    ctx.contentType("application/json").result(JSON.writeValueAsBytes(body));
  }
}
