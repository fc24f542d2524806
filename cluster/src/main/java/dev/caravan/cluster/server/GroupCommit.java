package dev.caravan.cluster.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Group commit: concurrent callers each hand in one item and wait; proposer threads take
 * everything queued (up to {@code maxBatch}) and write it as one Raft command. N concurrent
 * writes then cost one log entry, one round trip and one fsync per server instead of N, and
 * nothing waits for a batch to fill: a proposer takes what is there as soon as it is free.
 * Each caller gets its own item's outcome of the entry that carried it.
 */
final class GroupCommit<T, R> {
  /** Writes one batch (never empty); returns one outcome per item, in the batch's order. */
  interface Proposer<T, R> {
    List<R> propose(List<T> batch) throws ClusterException;
  }

  private record Pending<T, R>(T item, CompletableFuture<R> outcome) {}

  private final String name;
  private final int threads;
  private final int maxBatch;
  private final Duration timeout;
  private final Proposer<T, R> proposer;
  private final LinkedBlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
  private final List<Thread> running = new ArrayList<>();
  private volatile boolean closed;

  GroupCommit(String name, int threads, int maxBatch, Duration timeout, Proposer<T, R> proposer) {
    this.name = name;
    this.threads = threads;
    this.maxBatch = maxBatch;
    this.timeout = timeout;
    this.proposer = proposer;
  }

  /** Queues one item and blocks until the proposer has the outcome of the entry carrying it. */
  R submit(T item) throws ClusterException {
    startIfNeeded();
    Pending<T, R> p = new Pending<>(item, new CompletableFuture<>());
    queue.add(p);
    if (closed) {
      p.outcome().completeExceptionally(new ClusterException(503, "server closing"));
    }
    try {
      return p.outcome().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException(503, "interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof ClusterException ce ? ce
          : new ClusterException(503, name + " failed: " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new ClusterException(503, name + " timed out", e);
    }
  }

  private synchronized void startIfNeeded() {
    if (!running.isEmpty() || closed) {
      return;
    }
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::run, name + "-" + i);
      t.setDaemon(true);
      running.add(t);
      t.start();
    }
  }

  private void run() {
    List<Pending<T, R>> batch = new ArrayList<>();
    List<T> items = new ArrayList<>();
    while (!closed) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, maxBatch - 1);
      batch.forEach(p -> items.add(p.item()));
      try {
        List<R> outcomes = proposer.propose(List.copyOf(items));
        if (outcomes.size() != batch.size()) {
          throw new IllegalStateException(name + ": " + outcomes.size() + " outcomes for "
              + batch.size() + " items");
        }
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).outcome().complete(outcomes.get(i));
        }
      } catch (ClusterException | RuntimeException e) {
        batch.forEach(p -> p.outcome().completeExceptionally(e));
      }
      batch.clear();
      items.clear();
    }
  }

  /** Items waiting for a proposer. */
  int queued() {
    return queue.size();
  }

  /** Stops the proposers; queued callers fail with 503. */
  void close() {
    closed = true;
    synchronized (this) {
      running.forEach(Thread::interrupt);
    }
    Pending<T, R> p;
    while ((p = queue.poll()) != null) {
      p.outcome().completeExceptionally(new ClusterException(503, "server closing"));
    }
  }
}
