package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.structs.DrainStrategy;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.NomadJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nomad's node lifecycle endpoints: {@code POST /v1/node/{id}/eligibility}
 * ({@code {"Eligibility": "eligible|ineligible"}}) and {@code POST /v1/node/{id}/drain}
 * ({@code {"DrainSpec": {"Deadline": nanos, "IgnoreSystemJobs": bool} | null,
 * "MarkEligible": bool}}). Bad input answers 400 naming the field; nothing is proposed.
 */
final class NodeApi {
  private static final ObjectMapper JSON = NomadJson.mapper();

  private final Cluster cluster;

  private NodeApi(Cluster cluster) {
    this.cluster = cluster;
  }

  static void routes(RoutesConfig routes, Cluster cluster) {
    NodeApi api = new NodeApi(cluster);
    routes.post("/v1/node/{id}/eligibility", api::eligibility);
    routes.post("/v1/node/{id}/drain", api::drain);
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

  private void eligibility(Context ctx) throws Exception {
    JsonNode body = body(ctx);
    String value = body.path("Eligibility").asText("");
    if (!Node.ELIGIBLE.equals(value) && !Node.INELIGIBLE.equals(value)) {
      throw new HttpApi.ApiException(400,
          "Eligibility: must be \"eligible\" or \"ineligible\", got \"" + value + "\"");
    }
    long index = cluster.updateNodeEligibility(ctx.pathParam("id"), Node.ELIGIBLE.equals(value));
    answer(ctx, index);
  }

  private void drain(Context ctx) throws Exception {
    JsonNode body = body(ctx);
    JsonNode spec = body.get("DrainSpec");
    DrainStrategy drain = null;
    if (spec != null && !spec.isNull()) {
      if (!spec.isObject()) {
        throw new HttpApi.ApiException(400, "DrainSpec: must be an object or null");
      }
      JsonNode deadline = spec.path("Deadline");
      if (!deadline.isMissingNode() && !deadline.isIntegralNumber()) {
        throw new HttpApi.ApiException(400, "DrainSpec.Deadline: must be integer nanoseconds");
      }
      JsonNode ignore = spec.path("IgnoreSystemJobs");
      if (!ignore.isMissingNode() && !ignore.isBoolean()) {
        throw new HttpApi.ApiException(400, "DrainSpec.IgnoreSystemJobs: must be a boolean");
      }
      drain = new DrainStrategy(Duration.ofNanos(deadline.asLong(0)), ignore.asBoolean(false),
          0, 0);
    }
    JsonNode mark = body.path("MarkEligible");
    if (!mark.isMissingNode() && !mark.isBoolean()) {
      throw new HttpApi.ApiException(400, "MarkEligible: must be a boolean");
    }
    long index = cluster.updateNodeDrain(ctx.pathParam("id"), drain, mark.asBoolean(false));
    answer(ctx, index);
  }

  private static void answer(Context ctx, long index) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("EvalIDs", List.of());
    m.put("EvalCreateIndex", index);
    m.put("NodeModifyIndex", index);
    m.put("Index", index);
    ctx.header("X-Nomad-Index", Long.toString(index));
    ctx.contentType("application/json").result(JSON.writeValueAsBytes(m));
  }
}
