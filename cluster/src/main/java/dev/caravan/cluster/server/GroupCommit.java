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
 * Each caller gets the index of the entry that carried its item, once it is applied locally.
 */
final class GroupCommit<T> {
  /** Writes one batch (never empty) and returns its index once it is applied locally. */
  interface Proposer<T> {
    long propose(List<T> batch) throws ClusterException;
  }

  private record Pending<T>(T item, CompletableFuture<Long> index) {}

  private final String name;
  private final int threads;
  private final int maxBatch;
  private final Duration timeout;
  private final Proposer<T> proposer;
  private final LinkedBlockingQueue<Pending<T>> queue = new LinkedBlockingQueue<>();
  private final List<Thread> running = new ArrayList<>();
  private volatile boolean closed;

  GroupCommit(String name, int threads, int maxBatch, Duration timeout, Proposer<T> proposer) {
    this.name = name;
    this.threads = threads;
    this.maxBatch = maxBatch;
    this.timeout = timeout;
    this.proposer = proposer;
  }

  /** Queues one item and blocks until the entry carrying it is applied locally. */
  long submit(T item) throws ClusterException {
    startIfNeeded();
    Pending<T> p = new Pending<>(item, new CompletableFuture<>());
    queue.add(p);
    if (closed) {
      p.index().completeExceptionally(new ClusterException(503, "server closing"));
    }
    try {
      return p.index().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
    List<Pending<T>> batch = new ArrayList<>();
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
        long index = proposer.propose(List.copyOf(items));
        batch.forEach(p -> p.index().complete(index));
      } catch (ClusterException | RuntimeException e) {
        batch.forEach(p -> p.index().completeExceptionally(e));
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
    Pending<T> p;
    while ((p = queue.poll()) != null) {
      p.index().completeExceptionally(new ClusterException(503, "server closing"));
    }
  }
}
