package dev.caravan.bench;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ServerConfig;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.ParameterizedJobConfig;
import dev.caravan.periodic.Dispatcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 7's dispatch throughput: a 3-server cluster in one JVM, {@code clients} concurrent
 * callers dispatching one parameterized job (payload 64 bytes, one meta key) for {@code seconds}
 * through the servers in turn (followers forward to the leader through Raft); each dispatch
 * returns once its child and eval are committed and applied on the server called. No client
 * nodes: the children's evals block. Prints JSON.
 *
 * <p>Usage: {@code java -cp <classpath> dev.caravan.bench.PeriodicDispatchBench [clients] [seconds]
 * [leader]} ({@code leader}: every client calls the leader instead of the servers in turn).
 */
public final class PeriodicDispatchBench {
  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    boolean leaderOnly = args.length > 2 && args[2].equals("leader");
    Path dir = TempDirs.create("caravan-dispatch-bench-");
    List<String> peers = List.of("127.0.0.1:" + PeriodicLaunchBench.freePort(),
        "127.0.0.1:" + PeriodicLaunchBench.freePort(), "127.0.0.1:" + PeriodicLaunchBench.freePort());
    List<ClusterServer> servers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        servers.add(ClusterServer.start(new ServerConfig("s" + i, dir.resolve("s" + i), peers.get(i),
            peers, Clock.systemUTC())));
      }
      ClusterServer leader = null;
      while (leader == null) {
        Thread.sleep(20);
        leader = servers.stream().filter(ClusterServer::isLeader).findFirst().orElse(null);
      }
      Job template = PeriodicLaunchBench.job("render", "* * * * *").toBuilder().periodic(null)
          .parameterizedJob(new ParameterizedJobConfig("optional", List.of("input"), List.of()))
          .build();
      leader.registerJob(new Cluster.JobRegisterRequest(template, false, 0));
      for (ClusterServer s : servers) {
        while (s.state().job("default", "render").isEmpty()) {
          Thread.sleep(20);
        }
      }
      byte[] payload = "x".repeat(64).getBytes(StandardCharsets.UTF_8);
      AtomicBoolean measuring = new AtomicBoolean(false);
      AtomicBoolean stop = new AtomicBoolean(false);
      AtomicLong done = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        ClusterServer via = leaderOnly ? leader : servers.get(c % servers.size());
        Dispatcher dispatcher = new Dispatcher(via, Clock.systemUTC(), new SplittableRandom(c));
        running.add(pool.submit(() -> {
          while (!stop.get()) {
            try {
              dispatcher.dispatch("default", "render", payload, Map.of("input", "a"), "");
              if (measuring.get()) {
                done.incrementAndGet();
              }
            } catch (Exception e) {
              failed.incrementAndGet();
            }
          }
          return null;
        }));
      }
      Thread.sleep(3000); // warm-up
      measuring.set(true);
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long count = done.get();
      double elapsed = (System.nanoTime() - start) / 1e9;
      stop.set(true);
      for (Future<?> f : running) {
        f.get();
      }
      pool.shutdown();
      System.out.printf("{\"benchmark\":\"dispatch-throughput\",\"servers\":3,\"via\":\"%s\",\"clients\":%d,\"seconds\":%.1f,"
              + "\"dispatches\":%d,\"per_second\":%.0f,\"failed\":%d,\"jobs_in_state\":%d}%n",
          leaderOnly ? "leader" : "all servers", clients, elapsed, count, count / elapsed, failed.get(), leader.state().jobs().size());
    } finally {
      for (ClusterServer s : servers) {
        s.close();
      }
    }
  }
}
