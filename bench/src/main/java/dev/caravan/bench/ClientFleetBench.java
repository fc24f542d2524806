package dev.caravan.bench;

import dev.caravan.cluster.client.HttpServers;
import dev.caravan.cluster.client.NodeAllocations;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.structs.DriverInfo;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.NodeResources;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 5's fleet figure: 1,000 simulated clients against a 3-server cluster whose servers are
 * separate {@code caravan agent} processes. Each simulated client does what the real client
 * agent does, through the same {@link HttpServers} port (one shared {@link HttpClient},
 * asynchronous requests): it registers a node with the mock driver's attributes, heartbeats
 * at half the TTL the servers give, and keeps a 30 s blocking query on its allocations open.
 * Once all are registered, the servers' CPU (utime + stime from {@code /proc/PID/stat}, summed
 * over the three processes) is measured over a window. Target: under 0.5 core. Prints JSON.
 *
 * <p>Usage: {@code java -cp bench/target/classes:agent/target/caravan.jar
 * dev.caravan.bench.ClientFleetBench [clients] [window_seconds]}, after {@code ./caravan
 * version} built the jar.
 */
public final class ClientFleetBench {
  private static final Duration ALLOC_WAIT = Duration.ofSeconds(30);

  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "sim-timers");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong heartbeats = new AtomicLong();
  private final AtomicLong polls = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong reRegistered = new AtomicLong();
  private volatile boolean stopped;

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    new ClientFleetBench().run(clients, window);
  }

  private void run(int clients, int windowSeconds) throws Exception {
    Path tmp = TempDirs.create("caravan-client-fleet-");
    try (AgentProcesses agents = new AgentProcesses(tmp)) {
      List<int[]> ports = AgentProcesses.serverPorts(3);
      List<Process> servers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        servers.add(agents.start("server" + i, agents.serverHcl(i, ports)));
      }
      for (int[] p : ports) {
        AgentProcesses.awaitLeader(p[0], Duration.ofSeconds(90));
      }
      List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p[0]).toList();
      HttpClient shared = HttpServers.newHttpClient();

      long t0 = System.nanoTime();
      Semaphore registering = new Semaphore(64);
      List<Sim> sims = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        // each client lists the servers from a different one, as a real fleet's configs would
        List<String> order = new ArrayList<>();
        for (int k = 0; k < addresses.size(); k++) {
          order.add(addresses.get((i + k) % addresses.size()));
        }
        Sim sim = new Sim(new HttpServers(order, shared), node(i));
        sims.add(sim);
        registering.acquire();
        sim.register().whenComplete((x, e) -> registering.release());
      }
      registering.acquire(64);
      long registerMillis = (System.nanoTime() - t0) / 1_000_000;
      long failedRegistrations = sims.stream().filter(s -> !s.registered).count();

      Thread.sleep(5_000); // let the last registrations' writes settle
      long tick = AgentProcesses.ticksPerSecond();
      long[] before = new long[3];
      for (int i = 0; i < 3; i++) {
        before[i] = AgentProcesses.cpuTicks(servers.get(i).pid());
      }
      long hb0 = heartbeats.get();
      long polls0 = polls.get();
      long err0 = errors.get();
      long w0 = System.nanoTime();
      Thread.sleep(windowSeconds * 1000L);
      double seconds = (System.nanoTime() - w0) / 1e9;
      List<String> perServer = new ArrayList<>();
      double total = 0;
      for (int i = 0; i < 3; i++) {
        double cores = (AgentProcesses.cpuTicks(servers.get(i).pid()) - before[i])
            / (double) tick / seconds;
        total += cores;
        perServer.add(String.format("%.3f", cores));
      }
      String nodes = AgentProcesses.get(ports.get(0)[0], "/v1/nodes");
      long ready = nodes.split("\"Status\":\"ready\"", -1).length - 1L;
      long rssMb = 0;
      for (Process p : servers) {
        rssMb = Math.max(rssMb, AgentProcesses.rssKb(p.pid()) / 1024);
      }
      stopped = true;
      System.out.printf("{\"benchmark\":\"client-fleet-server-cpu\",\"clients\":%d,"
          + "\"servers\":3,\"register_all_ms\":%d,\"failed_registrations\":%d,"
          + "\"window_s\":%.1f,\"servers_cpu_cores\":%.3f,\"per_server_cores\":%s,"
          + "\"target_cores\":0.5,\"heartbeats_per_s\":%.1f,\"alloc_polls_answered_per_s\":%.1f,"
          + "\"errors_in_window\":%d,\"re_registered\":%d,\"nodes_ready_at_end\":%d,"
          + "\"max_server_rss_mb\":%d,\"loadavg\":\"%s\"}%n",
          clients, registerMillis, failedRegistrations, seconds, total, perServer,
          (heartbeats.get() - hb0) / seconds, (polls.get() - polls0) / seconds,
          errors.get() - err0, reRegistered.get(), ready, rssMb, AgentProcesses.uptime());
      timers.shutdownNow();
    }
  }

  private static Node node(int i) {
    String id = UUID.nameUUIDFromBytes(("sim-node-" + i).getBytes()).toString();
    long now = System.currentTimeMillis() * 1_000_000L;
    Map<String, String> attrs = Map.of("kernel.name", "linux", "os.name", "linux",
        "cpu.arch", "amd64", "cpu.numcores", "4", "cpu.totalcompute", "8000",
        "memory.totalbytes", Long.toString(8L << 30), "unique.hostname", "sim-" + i,
        "unique.id", id, "driver.mock", "1", "nomad.version", "1.9.0");
    return Node.builder().id(id).secretId(UUID.randomUUID().toString()).name("sim-" + i)
        .attributes(attrs)
        .nodeResources(new NodeResources(8000, 4, 8192, 100_000))
        .drivers(Map.of("mock", new DriverInfo(true, true, "healthy", Map.of(), now)))
        .build();
  }

  /** One simulated client: the real client's register, heartbeat and allocation loops. */
  private final class Sim {
    private final HttpServers servers;
    private final Node node;
    private volatile boolean registered;
    private long index;

    Sim(HttpServers servers, Node node) {
      this.servers = servers;
      this.node = node;
    }

    java.util.concurrent.CompletableFuture<Duration> register() {
      return servers.registerNodeAsync(node).whenComplete((ttl, e) -> {
        if (e != null) {
          errors.incrementAndGet();
          later(() -> register(), 1000);
          return;
        }
        boolean first = !registered;
        registered = true;
        scheduleHeartbeat(ttl);
        if (first) {
          poll();
        }
      });
    }

    void scheduleHeartbeat(Duration ttl) {
      later(this::heartbeat, Math.max(100, ttl.toMillis() / 2));
    }

    void heartbeat() {
      servers.heartbeatAsync(node.id()).whenComplete((ttl, e) -> {
        heartbeats.incrementAndGet();
        if (e == null) {
          scheduleHeartbeat(ttl);
        } else if (cause(e) instanceof ClusterException c && c.status() == 404) {
          reRegistered.incrementAndGet();
          register();
        } else {
          errors.incrementAndGet();
          later(this::heartbeat, 1000);
        }
      });
    }

    void poll() {
      servers.allocationsAsync(node.id(), index, ALLOC_WAIT).whenComplete(
          (NodeAllocations a, Throwable e) -> {
            polls.incrementAndGet();
            if (e == null) {
              index = a.index();
              poll();
            } else {
              errors.incrementAndGet();
              later(this::poll, 1000);
            }
          });
    }

    private void later(Runnable r, long millis) {
      if (!stopped) {
        timers.schedule(r, millis, TimeUnit.MILLISECONDS);
      }
    }
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private ClientFleetBench() {}
}
