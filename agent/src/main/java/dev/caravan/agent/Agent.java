package dev.caravan.agent;

import dev.caravan.cluster.client.ClientAgent;
import dev.caravan.cluster.client.ClientConfig;
import dev.caravan.cluster.client.HttpServers;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ServerConfig;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.drivers.DriverOptions;
import dev.caravan.drivers.Drivers;
import dev.caravan.periodic.PeriodicService;
import dev.caravan.reconciler.git.SourceConfig;
import dev.caravan.reconciler.sync.JobSyncState;
import dev.caravan.reconciler.sync.SourceReconciler;
import dev.caravan.reconciler.sync.SourceSyncer;
import dev.caravan.webhook.CloneUrl;
import dev.caravan.webhook.WebhookReceiver;
import dev.caravan.webhook.WebhookSource;
import dev.caravan.webhook.publish.PreviewPublisher;
import dev.caravan.webhook.publish.PullRequestPreviews;
import io.javalin.Javalin;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code caravan agent} process: the server (Raft), the HTTP API, the client, and the
 * GitOps sources, which sync only while this server leads.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final PrintStream out;
  private final Set<String> announced = ConcurrentHashMap.newKeySet();
  private SourceReconciler sources;
  private ClusterServer server;
  private Javalin http;
  private volatile ClientAgent client;
  private NodeAllocWaiters clientQueries;
  private WebhookReceiver webhooks;
  private PullRequestPreviews previews;
  private PeriodicService periodic;

  private Agent(AgentConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** Starts every part the config enables; returns once the API answers. */
  public static Agent start(AgentConfig config, PrintStream out, Path repoTemplate) throws Exception {
    Agent agent = new Agent(config, out);
    try {
      agent.startParts(repoTemplate);
    } catch (Exception e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  private void startParts(Path repoTemplate) throws Exception {
    Clock clock = Clock.systemUTC();
    if (!config.serverEnabled()) {
      startClientOnly(clock);
      return;
    }
    String raftAddress = config.bindAddr() + ":" + config.rpcPort();
    try {
      server = ClusterServer.start(ServerConfig.fromJoin("server-" + config.rpcPort(),
          config.dataDir().resolve("server"), raftAddress, config.retryJoin(),
          config.bootstrapExpect(), clock));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    periodic = new PeriodicService(server, clock);
    server.addLeadershipListener(periodic);
    SourcePreviews planPreviews = new SourcePreviews(() -> sources.syncers(), config::hooks);
    previews = new PullRequestPreviews(planPreviews::target, planPreviews,
        PreviewPublisher.create());
    webhooks = new WebhookReceiver(this::webhookSources, this::syncNow, previews, 64, 10_000);
    sources = new SourceReconciler(server, config.dataDir().resolve("sources"), clock,
        new SplittableRandom(), this::announce);
    clientQueries = new NodeAllocWaiters(server);
    http = new HttpApi(server, new SourcesApi(server, sources, config.dataDir().resolve("tmp")),
        webhooks)
        .withRoutes(ClientFsApi.onServer(server, () -> client)::routes)
        .withRoutes(new ClientApi(server, clientQueries)::routes)
        .start(config.bindAddr(), config.httpPort());
    out.println("==> Caravan agent started. API: http://" + config.bindAddr() + ":" + http.port());
    out.println("    data dir: " + config.dataDir());
    out.flush();
    if (config.clientEnabled()) {
      DriverOptions drivers = driverOptions();
      client = new ClientAgent(clientConfig(drivers).withHttpAddr(advertised(http.port())), server,
          Drivers.load(drivers), clock);
      client.start();
    }
    List<SourceConfig> configured = new ArrayList<>();
    if (config.devMode() && repoTemplate != null && repoTemplate.toFile().isDirectory()) {
      String url = RepoTemplate.prepare(repoTemplate, config.dataDir());
      configured.add(new SourceConfig("repo-template", url, "main", null, java.time.Duration.ofSeconds(10)));
    }
    configured.addAll(config.sources());
    // Sources sync on the leader only; gaining leadership syncs every source at once.
    sources.start();
    configured.forEach(sources::add);
  }

  /**
   * A client-only agent: no Raft, no sources; the client talks to the servers listed in
   * {@code client.servers} over their HTTP API, failing over between them. It serves the
   * client's part of the HTTP API (task logs) on {@code bind_addr} and {@code ports.http},
   * and advertises that address in its node so the servers can forward log reads to it.
   */
  private void startClientOnly(Clock clock) throws Exception {
    if (!config.clientEnabled()) {
      throw new ConfigException("server.enabled, client.enabled: both are false; enable the "
          + "server, the client or both");
    }
    if (config.clientServers().isEmpty()) {
      throw new ConfigException("client.servers: required when server.enabled = false: list "
          + "the servers' HTTP addresses, e.g. servers = [\"10.0.0.1:4646\"]");
    }
    HttpServers servers;
    try {
      servers = new HttpServers(config.clientServers());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("client." + e.getMessage());
    }
    http = clientHttp().start(config.bindAddr(), config.httpPort());
    DriverOptions drivers = driverOptions();
    client = new ClientAgent(clientConfig(drivers).withHttpAddr(advertised(http.port())), servers,
        Drivers.load(drivers), clock);
    client.start();
    out.println("==> Caravan client agent started. Node: " + client.nodeId() + ", servers: "
        + String.join(", ", config.clientServers()) + ", API: http://" + config.bindAddr() + ":"
        + http.port());
    out.println("    data dir: " + config.dataDir());
    out.flush();
  }

  /** A client-only agent's HTTP API: the client's filesystem (task logs) endpoints. */
  private Javalin clientHttp() {
    ClientFsApi fs = ClientFsApi.onClient(() -> client);
    return Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      fs.routes(cfg.routes);
      cfg.routes.exception(HttpApi.ApiException.class,
          (e, ctx) -> jsonError(ctx, e.status, e.getMessage()));
      cfg.routes.exception(Exception.class,
          (e, ctx) -> jsonError(ctx, 500, String.valueOf(e.getMessage())));
      cfg.routes.error(404, ctx -> {
        if (ctx.result() == null) {
          jsonError(ctx, 404, "no such path on a client-only agent: " + ctx.path());
        }
      });
    });
  }

  private static void jsonError(io.javalin.http.Context ctx, int status, String message) {
    try {
      ctx.status(status).contentType("application/json").result(NomadJson.mapper()
          .writeValueAsBytes(java.util.Map.of("error", message == null ? "" : message)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      ctx.status(500).result("{\"error\":\"internal\"}");
    }
  }

  /**
   * The {@code host:port} this agent's HTTP API is reached at by others: the bind address, or
   * this host's address when bound to all interfaces.
   */
  private String advertised(int port) {
    String host = config.bindAddr();
    if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostAddress();
      } catch (java.net.UnknownHostException e) {
        host = "127.0.0.1";
      }
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** raw_exec and the docker plugin's settings from the agent config. */
  private DriverOptions driverOptions() {
    return new DriverOptions(config.rawExecEnabled(), config.docker().allowPrivileged(),
        config.docker().endpoint(), null, config.docker().volumesEnabled());
  }

  private ClientConfig clientConfig(DriverOptions drivers) {
    AgentConfig.ClientNode n = config.clientNode();
    return new ClientConfig(config.dataDir().resolve("client"), n.name(), n.datacenter(),
        n.nodeClass(), n.nodePool(), n.meta(), drivers);
  }

  /** The sources a webhook payload's clone URLs name (compared after normalisation). */
  private List<WebhookSource> webhookSources(List<String> cloneUrls) {
    Set<String> wanted = new java.util.HashSet<>();
    cloneUrls.forEach(u -> wanted.add(CloneUrl.normalise(u)));
    List<WebhookSource> out = new ArrayList<>();
    for (SourceSyncer s : sources.syncers()) {
      if (wanted.contains(CloneUrl.normalise(s.config().url()))) {
        out.add(new WebhookSource(s.config().name(), s.config().branch(),
            config.hooks(s.config().name()).webhookSecret()));
      }
    }
    return out;
  }

  /** Syncs a source now (webhook, CLI); a no-op on followers. */
  public void syncNow(String sourceName) {
    sources.trigger(sourceName, SourceSyncer.SyncOptions.POLL);
  }

  /** Prints one line per job the first time its status (or commit) is seen. */
  private void announce(SourceSyncer.SyncReport report) {
    if (report.error() != null) {
      out.println("    source " + report.source() + ": " + report.error());
    }
    for (JobSyncState j : report.jobs()) {
      String line = "    job " + (j.jobId() == null ? "?" : j.jobId()) + " (" + report.source() + ":"
          + j.path() + "): " + j.status() + (j.errors().isEmpty() ? "" : " " + j.errors());
      if (announced.add(line)) {
        out.println(line);
      }
    }
    out.flush();
  }

  /** The HTTP API's port (a client-only agent's serves the client's endpoints only). */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The client of this agent, or null when it runs none. */
  public ClientAgent client() {
    return client;
  }

  public ClusterServer server() {
    return server;
  }

  /**
   * Stops the agent. A {@code -dev} agent stops its tasks (removing their containers); any
   * other leaves them running for the next start on the same data dir to re-attach to.
   */
  @Override
  public void close() {
    if (sources != null) {
      sources.close();
    }
    if (webhooks != null) {
      webhooks.close();
    }
    if (previews != null) {
      previews.close();
    }
    if (client != null) {
      if (config.devMode()) {
        // A -dev agent's data dir is temporary: nothing could re-attach to its tasks later.
        client.close();
      } else {
        // As Nomad's client: tasks outlive the agent; the next start re-attaches to them.
        client.closeLeavingTasksRunning();
      }
    }
    if (clientQueries != null) {
      clientQueries.close();
    }
    if (http != null) {
      http.stop();
    }
    if (periodic != null) {
      periodic.close();
    }
    if (server != null) {
      try {
        server.close();
      } catch (Exception e) {
        LOG.warn("closing server", e);
      }
    }
  }
}
