package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.plan.JobPlanResponse;
import dev.caravan.cluster.plan.JobPlanner;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.JobDefaults;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.periodic.PeriodicService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.UUID;

/**
 * Nomad's job plan: {@code POST /v1/job/{id}/plan} with {@code {"Job": {...}, "Diff": bool,
 * "PolicyOverride": bool}} answers a {@link JobPlanResponse}: the real scheduler's dry run over
 * this server's state, and the diff against the live version when {@code Diff} is true.
 * Nothing is written. Bad input answers 400 with an error naming the field.
 */
final class JobPlanApi {
  private static final ObjectMapper JSON = NomadJson.mapper();

  private final Cluster cluster;

  private JobPlanApi(Cluster cluster) {
    this.cluster = cluster;
  }

  static void routes(RoutesConfig routes, Cluster cluster) {
    JobPlanApi api = new JobPlanApi(cluster);
    routes.post("/v1/job/{id}/plan", api::plan);
    routes.put("/v1/job/{id}/plan", api::plan);
  }

  private void plan(Context ctx) throws Exception {
    JsonNode body;
    try {
      body = JSON.readTree(ctx.bodyAsBytes());
    } catch (java.io.IOException e) {
      throw new HttpApi.ApiException(400, "request body is not JSON: " + e.getMessage());
    }
    if (body == null || !body.isObject()) {
      throw new HttpApi.ApiException(400, "request body must be {\"Job\": {...}}");
    }
    if (!body.path("Job").isObject()) {
      throw new HttpApi.ApiException(400, "Job: must be an object");
    }
    boolean diff = bool(body, "Diff");
    bool(body, "PolicyOverride"); // Caravan has no Sentinel policies to override
    Job job = HttpApi.job(body.get("Job"));
    String pathId = ctx.pathParam("id");
    if (!pathId.equals(job.id())) {
      throw new HttpApi.ApiException(400, "Job.ID: \"" + job.id()
          + "\" does not match the job in the path, \"" + pathId + "\"");
    }
    Instant now = Instant.now();
    JobPlanResponse r = JobPlanner.plan(cluster.state(), job, diff,
        now.getEpochSecond() * 1_000_000_000L + now.getNano(), () -> UUID.randomUUID().toString());
    var next = PeriodicService.nextLaunch(JobDefaults.apply(job), now);
    if (next.isPresent()) {
      r = r.withNextPeriodicLaunch(next.get().toString());
    }
    ctx.contentType("application/json").result(JSON.writeValueAsBytes(r));
  }

  private static boolean bool(JsonNode body, String field) throws HttpApi.ApiException {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new HttpApi.ApiException(400, field + ": must be a boolean, got " + v);
    }
    return v.booleanValue();
  }
}
