package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.periodic.Dispatcher;
import dev.caravan.periodic.PeriodicService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The periodic and parameterized routes: {@code POST /v1/job/:id/periodic/force} and
 * {@code POST /v1/job/:id/dispatch} (Nomad's shapes), and Caravan's
 * {@code GET /v1/job/:id/periodic}: next launch, launch history and children, for
 * {@code caravan job status}. Errors use {@link HttpApi}'s handlers.
 */
final class PeriodicApi {
  private static final ObjectMapper JSON = NomadJson.mapper();

  private final Cluster cluster;
  private final Clock clock;
  private final Dispatcher dispatcher;

  PeriodicApi(Cluster cluster, Clock clock) {
    this.cluster = cluster;
    this.clock = clock;
    this.dispatcher = new Dispatcher(cluster, clock, new SecureRandom());
  }

  PeriodicApi(Cluster cluster) {
    this(cluster, Clock.systemUTC());
  }

  void register(RoutesConfig routes) {
    routes.post("/v1/job/{id}/periodic/force", this::force);
    routes.get("/v1/job/{id}/periodic", this::status);
    routes.post("/v1/job/{id}/dispatch", this::dispatch);
  }

  private void force(Context ctx) throws Exception {
    Cluster.PeriodicLaunchResult r = PeriodicService.force(cluster, clock.instant(),
        namespace(ctx), ctx.pathParam("id"));
    ctx.header("X-Nomad-Index", Long.toString(r.index()));
    json(ctx, Map.of("EvalID", r.evalId() == null ? "" : r.evalId(),
        "EvalCreateIndex", r.evalCreateIndex(), "Index", r.index()));
  }

  private void dispatch(Context ctx) throws Exception {
    JsonNode body;
    try {
      byte[] raw = ctx.bodyAsBytes();
      body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
    } catch (Exception e) {
      throw new HttpApi.ApiException(400, "request body is not JSON: " + e.getMessage());
    }
    byte[] payload = new byte[0];
    String encoded = body.path("Payload").asText("");
    if (!encoded.isEmpty()) {
      try {
        payload = Base64.getDecoder().decode(encoded);
      } catch (IllegalArgumentException e) {
        throw new HttpApi.ApiException(400, "Payload: not base64: " + e.getMessage());
      }
    }
    Map<String, String> meta = new LinkedHashMap<>();
    body.path("Meta").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
    Cluster.JobDispatchResult r = dispatcher.dispatch(namespace(ctx), ctx.pathParam("id"), payload,
        meta, body.path("IdempotencyToken").asText(""));
    ctx.header("X-Nomad-Index", Long.toString(r.index()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Index", r.index());
    out.put("JobCreateIndex", r.jobCreateIndex());
    out.put("EvalCreateIndex", r.evalCreateIndex());
    out.put("EvalID", r.evalId());
    out.put("DispatchedJobID", r.dispatchedJobId());
    json(ctx, out);
  }

  private void status(Context ctx) throws Exception {
    ClusterState s = cluster.state();
    String ns = namespace(ctx);
    Job job = s.job(ns, ctx.pathParam("id"))
        .orElseThrow(() -> new HttpApi.ApiException(404, "job not found: " + ctx.pathParam("id")));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ID", job.id());
    out.put("Namespace", job.namespace());
    out.put("Periodic", job.isPeriodic());
    out.put("Parameterized", job.isParameterized());
    out.put("Next", PeriodicService.nextLaunch(job, clock.instant())
        .map(PeriodicApi::nanos).orElse(0L));
    out.put("Launch", s.periodicLaunch(ns, job.id()).orElse(null));
    List<Map<String, Object>> children = new ArrayList<>();
    for (Job c : s.childJobs(ns, job.id())) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ID", c.id());
      m.put("Status", c.status());
      m.put("SubmitTime", c.submitTime());
      children.add(m);
    }
    children.sort((a, b) -> Long.compare((Long) b.get("SubmitTime"), (Long) a.get("SubmitTime")));
    out.put("Children", children);
    ctx.header("X-Nomad-Index", Long.toString(s.index()));
    json(ctx, out);
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static String namespace(Context ctx) {
    String ns = ctx.queryParam("namespace");
    return ns == null || ns.isEmpty() ? "default" : ns;
  }

  private static void json(Context ctx, Object value) throws Exception {
    ctx.contentType("application/json").result(JSON.writeValueAsBytes(value));
  }
}
