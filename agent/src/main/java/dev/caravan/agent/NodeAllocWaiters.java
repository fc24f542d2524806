package dev.caravan.agent;

import dev.caravan.cluster.client.NodeAllocations;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients' blocking queries on their nodes' allocations, held without a thread each: one
 * watcher thread follows the applied index and, for every new image, answers the queries of
 * the nodes whose allocations it changed (one pass over the allocations, whatever the number
 * of waiting clients); a timer answers each query when its wait (plus up to 1/16 of jitter, as
 * Nomad spreads its blocking queries) is over.
 */
final class NodeAllocWaiters implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAllocWaiters.class);

  private final Cluster cluster;
  private final Map<String, Set<Waiter>> byNode = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(
      r -> daemon(r, "client-alloc-query-timeouts"));
  private final SplittableRandom jitter = new SplittableRandom();
  private final Thread watcher;
  private volatile boolean closed;

  NodeAllocWaiters(Cluster cluster) {
    this.cluster = cluster;
    this.watcher = daemon(this::watch, "client-alloc-queries");
    watcher.start();
  }

  private record Waiter(String nodeId, long index, CompletableFuture<NodeAllocations> answer) {}

  /** The node's allocations once they change after {@code index}, or after {@code wait}. */
  CompletableFuture<NodeAllocations> await(String nodeId, long index, Duration wait) {
    ClusterState s = cluster.state();
    NodeAllocations current = NodeAllocations.of(s, nodeId);
    if (NodeAllocations.answers(s, current, index) || wait.isZero() || closed) {
      return CompletableFuture.completedFuture(current);
    }
    Waiter w = new Waiter(nodeId, index, new CompletableFuture<>());
    byNode.compute(nodeId, (k, set) -> {
      Set<Waiter> waiting = set == null ? ConcurrentHashMap.newKeySet() : set;
      waiting.add(w);
      return waiting;
    });
    long millis = wait.toMillis();
    long extra;
    synchronized (jitter) {
      extra = jitter.nextLong(Math.max(1, millis / 16));
    }
    ScheduledFuture<?> timer = timeouts.schedule(() -> answer(w, cluster.state()),
        millis + extra, TimeUnit.MILLISECONDS);
    w.answer().whenComplete((a, e) -> {
      timer.cancel(false);
      byNode.computeIfPresent(nodeId, (k, set) -> {
        set.remove(w);
        return set.isEmpty() ? null : set;
      });
    });
    // an apply between the first look and the registration would otherwise be missed
    ClusterState again = cluster.state();
    if (again.index() != s.index()) {
      NodeAllocations now = NodeAllocations.of(again, nodeId);
      if (NodeAllocations.answers(again, now, index)) {
        w.answer().complete(now);
      }
    }
    return w.answer();
  }

  private void answer(Waiter w, ClusterState s) {
    w.answer().complete(NodeAllocations.of(s, w.nodeId()));
  }

  private void watch() {
    long seen = cluster.state().index();
    while (!closed) {
      try {
        ClusterState s = cluster.awaitIndex(seen, Duration.ofSeconds(1));
        if (s.index() == seen || byNode.isEmpty()) {
          seen = s.index();
          continue;
        }
        Set<String> changed = new HashSet<>();
        for (Allocation a : s.allocs()) {
          if (a.modifyIndex() > seen && a.nodeId() != null && byNode.containsKey(a.nodeId())) {
            changed.add(a.nodeId());
          }
        }
        seen = s.index();
        for (String nodeId : changed) {
          Set<Waiter> set = byNode.get(nodeId);
          if (set == null) {
            continue;
          }
          NodeAllocations current = NodeAllocations.of(s, nodeId);
          for (Waiter w : Set.copyOf(set)) {
            if (NodeAllocations.answers(s, current, w.index())) {
              w.answer().complete(current);
            }
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("answering clients' allocation queries", e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    watcher.interrupt();
    timeouts.shutdownNow();
    ClusterState s = cluster.state();
    for (Set<Waiter> set : byNode.values()) {
      for (Waiter w : Set.copyOf(set)) {
        answer(w, s);
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
