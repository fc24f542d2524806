package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.reconciler.git.SourceAuth;
import dev.caravan.reconciler.git.SourceConfig;
import dev.caravan.reconciler.git.SourceSnapshot;
import dev.caravan.reconciler.plan.SourcePlan;
import dev.caravan.reconciler.sync.JobSyncState;
import dev.caravan.reconciler.sync.SourcePlanner;
import dev.caravan.reconciler.sync.SourceReconciler;
import dev.caravan.reconciler.sync.SourceSpecs;
import dev.caravan.reconciler.sync.SourceSyncer;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * Caravan's GitOps routes: sources (list, status, add, remove, sync), their replicated sync
 * history, plans of any ref, plans of posted files (a local checkout), and revert commits.
 * Times are Unix nanoseconds, as in Nomad's JSON; secrets are never echoed.
 */
final class SourcesApi {
  private static final ObjectMapper JSON = NomadJson.mapper();

  private final Cluster cluster;
  private final SourceReconciler sources;
  private final Path workDir;

  SourcesApi(Cluster cluster, SourceReconciler sources, Path workDir) {
    this.cluster = cluster;
    this.sources = sources;
    this.workDir = workDir;
  }

  void routes(RoutesConfig r) {
    r.get("/v1/caravan/sources", ctx -> json(ctx, sources.syncers().stream()
        .map(this::status).toList()));
    r.post("/v1/caravan/sources", this::add);
    r.get("/v1/caravan/sources/{name}", ctx -> json(ctx, status(syncer(ctx))));
    r.delete("/v1/caravan/sources/{name}", this::remove);
    r.post("/v1/caravan/sources/{name}/sync", this::sync);
    r.get("/v1/caravan/sources/{name}/history", ctx -> json(ctx,
        cluster.state().sourceSyncs(syncer(ctx).config().name())));
    r.get("/v1/caravan/sources/{name}/plan", this::plan);
    r.post("/v1/caravan/sources/{name}/revert", this::revert);
    r.post("/v1/caravan/plan", this::planFiles);
  }

  private SourceSyncer syncer(Context ctx) throws HttpApi.ApiException {
    String name = ctx.pathParam("name");
    return sources.syncer(name)
        .orElseThrow(() -> new HttpApi.ApiException(404, "source not found: " + name));
  }

  private Map<String, Object> status(SourceSyncer syncer) {
    SourceConfig c = syncer.config();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Name", c.name());
    m.put("URL", c.url());
    m.put("Branch", c.branch());
    m.put("Paths", c.paths());
    m.put("Exclude", c.exclude());
    m.put("Interval", c.interval().toNanos());
    m.put("Prune", c.prune());
    m.put("MaxPruneFraction", c.maxPruneFraction());
    m.put("SelfHeal", c.selfHeal());
    m.put("PreserveCounts", c.preserveCounts());
    m.put("VarFiles", c.varFiles());
    m.put("Auth", c.auth().toString());
    m.put("Runtime", sources.isRuntime(c.name()));
    long next = sources.nextPollAt(c.name());
    m.put("NextPoll", next == 0 ? 0 : next * 1_000_000L);
    syncer.status().ifPresent(r -> {
      m.put("Commit", r.commit());
      m.put("Error", r.error());
      m.put("LastAttempt", r.attemptedAt() * 1_000_000L);
      m.put("LastSuccess", r.lastSuccessAt() * 1_000_000L);
      m.put("DurationNanos", r.durationNanos());
      m.put("Jobs", r.jobs().stream().map(SourcesApi::job).toList());
    });
    return m;
  }

  private static Map<String, Object> job(JobSyncState j) {
    Map<String, Object> jm = new LinkedHashMap<>();
    jm.put("JobID", j.jobId());
    jm.put("Path", j.path());
    jm.put("Status", j.status().name());
    jm.put("Health", j.health() == null ? null : j.health().name());
    jm.put("Commit", j.commit());
    jm.put("Action", j.action().name());
    jm.put("Errors", j.errors());
    jm.put("Diff", j.diff());
    return jm;
  }

  private void add(Context ctx) throws Exception {
    JsonNode b = body(ctx);
    SourceConfig config;
    try {
      JsonNode a = auth(b.path("Auth"));
      Duration interval = b.hasNonNull("Interval") ? interval(b.get("Interval")) : null;
      config = new SourceConfig(b.path("Name").asText(""), b.path("URL").asText(""),
          b.path("Branch").asText(null), strings(b.get("Paths")), strings(b.get("Exclude")),
          interval, b.path("Prune").asBoolean(false),
          b.path("MaxPruneFraction").asDouble(SourceConfig.DEFAULT_MAX_PRUNE_FRACTION),
          b.path("SelfHeal").asBoolean(true), b.path("PreserveCounts").asBoolean(false),
          strings(b.get("VarFiles")), new SourceAuth(a.path("Token").asText(null),
              a.path("Username").asText(null), a.path("Password").asText(null),
              a.path("SSHKeyFile").asText(null), a.path("KnownHostsFile").asText(null)));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new HttpApi.ApiException(400, String.valueOf(e.getMessage()));
    }
    if (sources.syncer(config.name()).isPresent()) {
      throw new HttpApi.ApiException(409, "source " + config.name() + " already exists");
    }
    // replicated, so that the next leader runs it too; every server picks it up from the state
    cluster.upsertGitSource(SourceSpecs.toSpec(config));
    sources.syncFromState(cluster.state());
    ctx.status(201);
    json(ctx, Map.of("Name", config.name()));
  }

  private static final Set<String> AUTH_KEYS =
      Set.of("Token", "Username", "Password", "SSHKeyFile", "KnownHostsFile");

  /** The Auth object, refusing keys it does not know (a typo would silently mean no auth). */
  private static JsonNode auth(JsonNode a) throws HttpApi.ApiException {
    if (a.isMissingNode() || a.isNull()) {
      return a;
    }
    if (!a.isObject()) {
      throw new HttpApi.ApiException(400, "Auth: expected an object");
    }
    for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!AUTH_KEYS.contains(k)) {
        throw new HttpApi.ApiException(400, "Auth: unknown key \"" + k + "\" (use Token,"
            + " Username + Password, or SSHKeyFile + KnownHostsFile)");
      }
    }
    return a;
  }

  private static Duration interval(JsonNode n) throws HttpApi.ApiException {
    if (n.isNumber()) {
      return Duration.ofNanos(n.asLong());
    }
    try {
      return Durations.parse(n.asText(), "Interval");
    } catch (ConfigException e) {
      throw new HttpApi.ApiException(400, e.getMessage());
    }
  }

  private static List<String> strings(JsonNode n) {
    if (n == null || !n.isArray()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    n.forEach(x -> out.add(x.asText()));
    return out;
  }

  private void remove(Context ctx) throws Exception {
    String name = syncer(ctx).config().name();
    if (!sources.isRuntime(name)) {
      throw new HttpApi.ApiException(409, "source " + name
          + " is defined in the agent config file; remove it there");
    }
    cluster.deleteGitSource(name);
    sources.syncFromState(cluster.state());
    json(ctx, Map.of("Name", name));
  }

  private void sync(Context ctx) throws Exception {
    String name = syncer(ctx).config().name();
    boolean allow = Boolean.parseBoolean(ctx.queryParam("allow_mass_prune"));
    sources.trigger(name, new SourceSyncer.SyncOptions(true, allow));
    ctx.status(202);
    json(ctx, Map.of("Name", name, "AllowMassPrune", allow));
  }

  private void plan(Context ctx) throws Exception {
    SourceSyncer s = syncer(ctx);
    String ref = ctx.queryParam("ref");
    if (ref == null || ref.isBlank()) {
      ref = s.config().branch();
    }
    try {
      json(ctx, s.plan(ref));
    } catch (IOException e) {
      throw new HttpApi.ApiException(400, e.getMessage());
    }
  }

  /** Plans posted files ({@code {"Source": name?, "Files": {path: text}}}) against the cluster. */
  private void planFiles(Context ctx) throws Exception {
    JsonNode b = body(ctx);
    SourceConfig config = new SourceConfig("local", "file:///dev/null", "main", null, null);
    if (b.hasNonNull("Source")) {
      config = sources.syncer(b.get("Source").asText())
          .orElseThrow(() -> new HttpApi.ApiException(404, "source not found: "
              + b.get("Source").asText())).config();
    }
    Map<String, SourceSnapshot.File> files = new LinkedHashMap<>();
    Map<String, String> vars = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = b.path("Files").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (config.varFiles().contains(e.getKey())) {
        vars.put(e.getKey(), e.getValue().asText());
      } else {
        files.put(e.getKey(), new SourceSnapshot.File(Integer.toHexString(
            e.getValue().asText().hashCode()), e.getValue().asText()));
      }
    }
    SourceSnapshot snap = new SourceSnapshot("local", "", "", 0, files, vars);
    SourcePlan plan = SourcePlanner.plan(config, snap, "local", cluster.state(), null);
    json(ctx, plan);
  }

  private void revert(Context ctx) throws Exception {
    SourceSyncer s = syncer(ctx);
    String commit = body(ctx).path("Commit").asText("");
    if (!commit.matches("[0-9a-fA-F]{4,40}")) {
      throw new HttpApi.ApiException(400, "Commit: expected a commit sha, got \"" + commit + "\"");
    }
    try {
      String made = s.git().revert(commit, new PersonIdent("Caravan", "caravan@localhost"), workDir);
      sources.trigger(s.config().name(), SourceSyncer.SyncOptions.POLL);
      json(ctx, Map.of("Name", s.config().name(), "Reverted", commit, "Commit", made));
    } catch (IOException e) {
      throw new HttpApi.ApiException(409, e.getMessage());
    }
  }

  private static JsonNode body(Context ctx) throws HttpApi.ApiException {
    try {
      JsonNode n = JSON.readTree(ctx.bodyAsBytes());
      if (n == null || !n.isObject()) {
        throw new HttpApi.ApiException(400, "request body must be a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new HttpApi.ApiException(400, "request body is not JSON: " + e.getMessage());
    }
  }

  private static void json(Context ctx, Object value) throws Exception {
    ctx.contentType("application/json").result(JSON.writeValueAsBytes(value));
  }
}
