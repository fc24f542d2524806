package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.deploy.JobVersionDiff;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nomad's deployment and job-version endpoints: {@code /v1/deployments},
 * {@code /v1/deployment/:id}, {@code /v1/deployment/(promote|pause|fail)/:id},
 * {@code /v1/job/:id/deployment(s)}, {@code /v1/job/:id/versions} (with {@code diffs=true})
 * and {@code /v1/job/:id/revert}. Reads are blocking queries like the rest of the API.
 */
final class DeploymentApi {
  private static final ObjectMapper JSON = NomadJson.mapper();
  private static final Duration MAX_WAIT = Duration.ofMinutes(10);

  private final Cluster cluster;

  DeploymentApi(Cluster cluster) {
    this.cluster = cluster;
  }

  void register(RoutesConfig routes) {
    routes.get("/v1/deployments", this::list);
    routes.get("/v1/deployment/{id}", this::one);
    routes.get("/v1/deployment/allocations/{id}", this::allocations);
    routes.post("/v1/deployment/promote/{id}", this::promote);
    routes.post("/v1/deployment/pause/{id}", this::pause);
    routes.post("/v1/deployment/fail/{id}", this::fail);
    routes.post("/v1/deployment/allocation-health/{id}", this::allocHealth);
    routes.get("/v1/job/{id}/deployment", this::latestOfJob);
    routes.get("/v1/job/{id}/deployments", this::ofJob);
    routes.get("/v1/job/{id}/versions", this::versions);
    routes.post("/v1/job/{id}/revert", this::revert);
  }

  private void list(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    String prefix = ctx.queryParam("prefix");
    List<Deployment> out = new ArrayList<>();
    for (Deployment d : s.deployments()) {
      if (prefix == null || d.id().startsWith(prefix)) {
        out.add(d);
      }
    }
    out.sort((a, b) -> Long.compare(b.createIndex(), a.createIndex()));
    json(ctx, out);
  }

  private void one(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    json(ctx, find(s, ctx.pathParam("id")));
  }

  private void allocations(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    Deployment d = find(s, ctx.pathParam("id"));
    json(ctx, s.allocsByJob(d.namespace(), d.jobId()).stream()
        .filter(a -> d.id().equals(a.deploymentId())).toList());
  }

  /** A deployment by id or unique id prefix (as the CLI accepts short ids). */
  static Deployment find(ClusterState s, String id) throws HttpApi.ApiException {
    Deployment exact = s.deployment(id).orElse(null);
    if (exact != null) {
      return exact;
    }
    List<Deployment> matches = s.deployments().stream().filter(d -> d.id().startsWith(id))
        .toList();
    if (matches.size() == 1) {
      return matches.get(0);
    }
    throw new HttpApi.ApiException(404, matches.isEmpty() ? "deployment not found: " + id
        : "deployment id prefix " + id + " matches " + matches.size() + " deployments");
  }

  private void promote(Context ctx) throws Exception {
    JsonNode body = body(ctx);
    String id = find(cluster.state(), ctx.pathParam("id")).id();
    List<String> groups = new ArrayList<>();
    body.path("Groups").forEach(g -> groups.add(g.asText()));
    long index = cluster.promoteDeployment(id, body.path("All").asBoolean(false), groups);
    updated(ctx, index);
  }

  private void pause(Context ctx) throws Exception {
    JsonNode body = body(ctx);
    if (!body.has("Pause") || !body.get("Pause").isBoolean()) {
      throw new HttpApi.ApiException(400, "Pause: must be true or false");
    }
    String id = find(cluster.state(), ctx.pathParam("id")).id();
    updated(ctx, cluster.pauseDeployment(id, body.get("Pause").asBoolean()));
  }

  private void allocHealth(Context ctx) throws Exception {
    JsonNode body = body(ctx);
    String id = find(cluster.state(), ctx.pathParam("id")).id();
    List<String> healthy = new ArrayList<>();
    List<String> unhealthy = new ArrayList<>();
    body.path("HealthyAllocationIDs").forEach(a -> healthy.add(a.asText()));
    body.path("UnhealthyAllocationIDs").forEach(a -> unhealthy.add(a.asText()));
    updated(ctx, cluster.setDeploymentAllocHealth(id, healthy, unhealthy));
  }

  private void fail(Context ctx) throws Exception {
    String id = find(cluster.state(), ctx.pathParam("id")).id();
    updated(ctx, cluster.failDeployment(id));
  }

  private void latestOfJob(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    List<Deployment> ds = s.deploymentsByJob(namespace(ctx), ctx.pathParam("id"));
    json(ctx, ds.isEmpty() ? null : ds.get(0));
  }

  private void ofJob(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    json(ctx, s.deploymentsByJob(namespace(ctx), ctx.pathParam("id")));
  }

  private void versions(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    List<Job> versions = s.jobVersions(namespace(ctx), ctx.pathParam("id"));
    if (versions.isEmpty()) {
      throw new HttpApi.ApiException(404, "job not found: " + ctx.pathParam("id"));
    }
    boolean diffs = Boolean.parseBoolean(ctx.queryParam("diffs"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Versions", versions);
    out.put("Diffs", diffs ? JobVersionDiff.history(versions) : null);
    json(ctx, out);
  }

  private void revert(Context ctx) throws Exception {
    JsonNode body = body(ctx);
    String jobId = ctx.pathParam("id");
    if (body.has("JobID") && !jobId.equals(body.get("JobID").asText())) {
      throw new HttpApi.ApiException(400, "JobID in the path (" + jobId
          + ") does not match the body (" + body.get("JobID").asText() + ")");
    }
    if (!body.has("JobVersion") || !body.get("JobVersion").canConvertToLong()) {
      throw new HttpApi.ApiException(400, "JobVersion: missing job version to revert to");
    }
    JsonNode prior = body.get("EnforcePriorVersion");
    Long enforce = prior == null || prior.isNull() ? null : prior.asLong();
    Cluster.JobRegisterResult r = cluster.revertJob(namespace(ctx), jobId,
        body.get("JobVersion").asLong(), enforce);
    ctx.header("X-Nomad-Index", Long.toString(r.index()));
    json(ctx, Map.of("EvalID", r.evalId(), "EvalCreateIndex", r.evalCreateIndex(),
        "JobModifyIndex", r.jobModifyIndex(), "Index", r.index()));
  }

  private static void updated(Context ctx, long index) throws Exception {
    ctx.header("X-Nomad-Index", Long.toString(index));
    json(ctx, Map.of("DeploymentModifyIndex", index, "Index", index));
  }

  private static JsonNode body(Context ctx) throws HttpApi.ApiException {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new HttpApi.ApiException(400, "request body must be a JSON object");
      }
      return n;
    } catch (java.io.IOException e) {
      throw new HttpApi.ApiException(400, "request body is not JSON: " + e.getMessage());
    }
  }

  private ClusterState blocking(Context ctx) throws Exception {
    String index = ctx.queryParam("index");
    ClusterState s;
    if (index == null) {
      s = cluster.state();
    } else {
      long min;
      try {
        min = Long.parseLong(index);
      } catch (NumberFormatException e) {
        throw new HttpApi.ApiException(400, "index: not a number: " + index);
      }
      Duration wait = Duration.ofMinutes(5);
      String w = ctx.queryParam("wait");
      if (w != null) {
        try {
          wait = Durations.parse(w, "wait");
        } catch (ConfigException e) {
          throw new HttpApi.ApiException(400, e.getMessage());
        }
      }
      s = cluster.awaitIndex(min, wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
    }
    ctx.header("X-Nomad-Index", Long.toString(s.index()));
    return s;
  }

  private static String namespace(Context ctx) {
    String ns = ctx.queryParam("namespace");
    return ns == null || ns.isEmpty() ? "default" : ns;
  }

  private static void json(Context ctx, Object value) throws Exception {
    ctx.contentType("application/json").result(JSON.writeValueAsBytes(value));
  }
}
