package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.ApiJobReader;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.webhook.WebhookReceiver;
import dev.caravan.webhook.WebhookResponse;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nomad's HTTP API v1 over the local server (Javalin): jobs, allocations, nodes, evaluations,
 * status, and Caravan's sources under {@code /v1/caravan}. List endpoints are blocking
 * queries ({@code ?index=N&wait=30s}) and answer {@code X-Nomad-Index}; errors are JSON bodies
 * with a message.
 */
final class HttpApi {
  private static final ObjectMapper JSON = NomadJson.mapper();
  private static final Duration MAX_WAIT = Duration.ofMinutes(10);

  private final Cluster cluster;
  private final SourcesApi sources;
  private final WebhookReceiver webhooks;
  private final List<java.util.function.Consumer<io.javalin.config.RoutesConfig>> extraRoutes =
      new ArrayList<>();

  HttpApi(Cluster cluster, SourcesApi sources, WebhookReceiver webhooks) {
    this.cluster = cluster;
    this.sources = sources;
    this.webhooks = webhooks;
  }

  /** Adds routes served beside these (the client's, for one). */
  HttpApi withRoutes(java.util.function.Consumer<io.javalin.config.RoutesConfig> routes) {
    extraRoutes.add(routes);
    return this;
  }

  Javalin start(String host, int port) {
    Javalin app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.routes.get("/v1/jobs", this::jobs);
      // Nomad's own clients register with PUT, others with POST: Nomad takes both.
      cfg.routes.post("/v1/jobs", this::registerJob);
      cfg.routes.put("/v1/jobs", this::registerJob);
      cfg.routes.get("/v1/job/{id}", this::job);
      cfg.routes.post("/v1/job/{id}", this::registerJob);
      cfg.routes.put("/v1/job/{id}", this::registerJob);
      cfg.routes.delete("/v1/job/{id}", this::deregisterJob);
      cfg.routes.get("/v1/job/{id}/allocations", this::jobAllocations);
      JobPlanApi.routes(cfg.routes, cluster);
      new PeriodicApi(cluster).register(cfg.routes);
      cfg.routes.get("/v1/allocations", this::allocations);
      cfg.routes.get("/v1/allocation/{id}", this::allocation);
      cfg.routes.get("/v1/nodes", this::nodes);
      cfg.routes.get("/v1/node/{id}", this::node);
      cfg.routes.get("/v1/evaluations", this::evaluations);
      cfg.routes.get("/v1/status/leader", ctx -> json(ctx, cluster.leaderAddress()));
      cfg.routes.get("/v1/status/peers", ctx -> json(ctx, cluster.peers()));
      sources.routes(cfg.routes);
      new DeploymentApi(cluster).register(cfg.routes);
      NodeApi.routes(cfg.routes, cluster);
      OperatorApi.routes(cfg.routes, cluster);
      cfg.routes.post("/v1/webhooks", ctx -> webhook(ctx, null));
      cfg.routes.post("/v1/webhooks/{provider}", ctx -> webhook(ctx, ctx.pathParam("provider")));
      extraRoutes.forEach(r -> r.accept(cfg.routes));
      cfg.routes.exception(ClusterException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
      cfg.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
      cfg.routes.exception(Exception.class, (e, ctx) -> error(ctx, 500, String.valueOf(e.getMessage())));
      cfg.routes.error(404, ctx -> {
        if (ctx.result() == null) {
          error(ctx, 404, "no such path: " + ctx.path());
        }
      });
    });
    return app.start(host, port);
  }

  private void jobs(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    String prefix = ctx.queryParam("prefix");
    List<Map<String, Object>> out = new ArrayList<>();
    for (Job j : s.jobs()) {
      if (prefix == null || j.id().startsWith(prefix)) {
        out.add(jobStub(j, s));
      }
    }
    json(ctx, out);
  }

  private static Map<String, Object> jobStub(Job j, ClusterState s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ID", j.id());
    m.put("ParentID", j.parentId() == null ? "" : j.parentId());
    m.put("Name", j.name());
    m.put("Namespace", j.namespace());
    m.put("Datacenters", j.datacenters());
    m.put("Type", j.type());
    m.put("Priority", j.priority());
    m.put("Periodic", j.periodic() != null);
    m.put("ParameterizedJob", j.parameterizedJob() != null);
    m.put("Stop", j.stop());
    m.put("Status", j.status());
    m.put("Version", j.version());
    m.put("Meta", j.meta());
    Map<String, Map<String, Integer>> summary = new LinkedHashMap<>();
    for (TaskGroup g : j.taskGroups()) {
      summary.put(g.name(), new LinkedHashMap<>(Map.of("Queued", 0, "Starting", 0, "Running", 0,
          "Complete", 0, "Failed", 0, "Lost", 0)));
    }
    for (Allocation a : s.allocsByJob(j.namespace(), j.id())) {
      Map<String, Integer> g = summary.get(a.taskGroup());
      if (g != null) {
        String key = switch (a.clientStatus()) {
          case Allocation.CLIENT_RUNNING -> "Running";
          case Allocation.CLIENT_COMPLETE -> "Complete";
          case Allocation.CLIENT_FAILED -> "Failed";
          case Allocation.CLIENT_LOST -> "Lost";
          default -> "Starting";
        };
        g.merge(key, 1, Integer::sum);
      }
    }
    m.put("JobSummary", Map.of("JobID", j.id(), "Namespace", j.namespace(), "Summary", summary));
    m.put("CreateIndex", j.createIndex());
    m.put("ModifyIndex", j.modifyIndex());
    m.put("JobModifyIndex", j.jobModifyIndex());
    m.put("SubmitTime", j.submitTime());
    return m;
  }

  private void job(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    json(ctx, s.job(namespace(ctx), ctx.pathParam("id"))
        .orElseThrow(() -> new ApiException(404, "job not found: " + ctx.pathParam("id"))));
  }

  private void registerJob(Context ctx) throws Exception {
    JsonNode body;
    try {
      body = JSON.readTree(ctx.bodyAsBytes());
    } catch (Exception e) {
      throw new ApiException(400, "request body is not JSON: " + e.getMessage());
    }
    if (body == null || !body.has("Job") || !body.get("Job").isObject()) {
      throw new ApiException(400, "request body must be {\"Job\": {...}}");
    }
    Job job = job(body.get("Job"));
    String pathId = ctx.pathParamMap().get("id");
    if (pathId != null && !pathId.equals(job.id())) {
      throw new ApiException(400, "job ID in the path (" + pathId + ") does not match the body (" + job.id() + ")");
    }
    boolean enforce = body.path("EnforceIndex").asBoolean(false);
    long index = body.path("JobModifyIndex").asLong(0);
    Cluster.JobRegisterResult r = cluster.registerJob(new Cluster.JobRegisterRequest(job, enforce, index));
    ctx.header("X-Nomad-Index", Long.toString(r.index()));
    json(ctx, Map.of("EvalID", r.evalId(), "EvalCreateIndex", r.evalCreateIndex(),
        "JobModifyIndex", r.jobModifyIndex(), "Index", r.index(), "Warnings", ""));
  }

  /**
   * The job of a request body as Nomad's clients send it, unset fields left out or null
   * ({@link ApiJobReader}), or a 400 naming the field ({@code Job.TaskGroups[0].Count}).
   */
  static Job job(JsonNode node) throws ApiException {
    try {
      return ApiJobReader.read(node);
    } catch (ApiJobReader.InvalidJobException e) {
      throw new ApiException(400, e.getMessage());
    }
  }

  private void deregisterJob(Context ctx) throws Exception {
    boolean purge = Boolean.parseBoolean(ctx.queryParam("purge"));
    Cluster.JobRegisterResult r = cluster.deregisterJob(namespace(ctx), ctx.pathParam("id"), purge);
    json(ctx, Map.of("EvalID", r.evalId(), "EvalCreateIndex", r.evalCreateIndex(),
        "JobModifyIndex", r.jobModifyIndex(), "Index", r.index()));
  }

  private void jobAllocations(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    json(ctx, s.allocsByJob(namespace(ctx), ctx.pathParam("id")).stream().map(HttpApi::allocStub).toList());
  }

  private void allocations(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    json(ctx, s.allocs().stream().map(HttpApi::allocStub).toList());
  }

  private static Map<String, Object> allocStub(Allocation a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ID", a.id());
    m.put("EvalID", a.evalId());
    m.put("Name", a.name());
    m.put("Namespace", a.namespace());
    m.put("NodeID", a.nodeId());
    m.put("NodeName", a.nodeName());
    m.put("JobID", a.jobId());
    m.put("JobType", a.job() == null ? null : a.job().type());
    m.put("JobVersion", a.jobVersion());
    m.put("TaskGroup", a.taskGroup());
    m.put("DesiredStatus", a.desiredStatus());
    m.put("DesiredDescription", a.desiredDescription());
    m.put("ClientStatus", a.clientStatus());
    m.put("ClientDescription", a.clientDescription());
    m.put("TaskStates", a.taskStates());
    m.put("DeploymentStatus", a.deploymentStatus());
    m.put("CreateIndex", a.createIndex());
    m.put("ModifyIndex", a.modifyIndex());
    m.put("CreateTime", a.createTime());
    m.put("ModifyTime", a.modifyTime());
    return m;
  }

  private void allocation(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    json(ctx, s.alloc(ctx.pathParam("id"))
        .orElseThrow(() -> new ApiException(404, "allocation not found: " + ctx.pathParam("id"))));
  }

  private void nodes(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    json(ctx, s.nodes().stream().map(n -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ID", n.id());
      m.put("Name", n.name());
      m.put("Datacenter", n.datacenter());
      m.put("NodeClass", n.nodeClass());
      m.put("NodePool", n.nodePool());
      m.put("Drivers", n.drivers());
      m.put("Status", n.status());
      m.put("StatusDescription", n.statusDescription());
      m.put("SchedulingEligibility", n.schedulingEligibility());
      m.put("Drain", n.drainStrategy() != null);
      m.put("CreateIndex", n.createIndex());
      m.put("ModifyIndex", n.modifyIndex());
      return m;
    }).toList());
  }

  private void node(Context ctx) throws Exception {
    ClusterState s = blocking(ctx);
    json(ctx, s.node(ctx.pathParam("id"))
        .orElseThrow(() -> new ApiException(404, "node not found: " + ctx.pathParam("id"))));
  }

  private void evaluations(Context ctx) throws Exception {
    json(ctx, blocking(ctx).evals());
  }

  /** Hands a delivery to the webhook receiver: it answers at once and syncs afterwards. */
  private void webhook(Context ctx, String provider) {
    Map<String, String> headers = new LinkedHashMap<>(ctx.headerMap());
    WebhookResponse r = webhooks.handle(provider, headers, ctx.bodyAsBytes());
    r.headers().forEach(ctx::header);
    ctx.status(r.status()).contentType("application/json").result(r.jsonBody());
  }

  /** Nomad's blocking query: waits while the state index is at most {@code ?index}. */
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
        throw new ApiException(400, "index: not a number: " + index);
      }
      Duration wait = Duration.ofMinutes(5);
      String w = ctx.queryParam("wait");
      if (w != null) {
        try {
          wait = Durations.parse(w, "wait");
        } catch (ConfigException e) {
          throw new ApiException(400, e.getMessage());
        }
      }
      s = cluster.awaitIndex(min, wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
    }
    ctx.header("X-Nomad-Index", Long.toString(s.index()));
    ctx.header("X-Nomad-KnownLeader", Boolean.toString(!cluster.leaderAddress().isEmpty()));
    return s;
  }

  private static String namespace(Context ctx) {
    String ns = ctx.queryParam("namespace");
    return ns == null || ns.isEmpty() ? "default" : ns;
  }

  private static void json(Context ctx, Object value) throws Exception {
    ctx.contentType("application/json").result(JSON.writeValueAsBytes(value));
  }

  private static void error(Context ctx, int status, String message) {
    try {
      ctx.status(status).contentType("application/json")
          .result(JSON.writeValueAsBytes(Map.of("error", message == null ? "" : message)));
    } catch (Exception e) {
      ctx.status(500).result("{\"error\":\"internal\"}");
    }
  }

  /** A request the API refuses, with its status. */
  static final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiException(int status, String message) {
      super(message);
      this.status = status;
    }
  }
}
