package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.structs.Evaluation;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Pending evaluations on the leader: one in flight per job; a newer eval for a job that is
 * waiting replaces the older one (they coalesce, the scheduler re-reads the state anyway).
 */
public final class EvalBroker {
  private final ArrayDeque<String> ready = new ArrayDeque<>();
  private final Map<String, Evaluation> waiting = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private boolean enabled;

  private static String key(Evaluation e) {
    return e.namespace() + '\0' + e.jobId();
  }

  public synchronized void setEnabled(boolean on) {
    enabled = on;
    if (!on) {
      ready.clear();
      waiting.clear();
      inFlight.clear();
    }
    notifyAll();
  }

  public synchronized void enqueue(Evaluation eval) {
    if (!enabled) {
      return;
    }
    String k = key(eval);
    Evaluation previous = waiting.put(k, eval);
    if (previous == null && !inFlight.contains(k)) {
      ready.add(k);
      notifyAll();
    }
  }

  /** The next eval whose job has none in flight; blocks while there is none. */
  public synchronized Evaluation take() throws InterruptedException {
    while (ready.isEmpty()) {
      wait();
    }
    String k = ready.poll();
    inFlight.add(k);
    return waiting.remove(k);
  }

  /** Marks the job's eval done; a coalesced newer one becomes ready. */
  public synchronized void ack(Evaluation eval) {
    String k = key(eval);
    inFlight.remove(k);
    if (waiting.containsKey(k)) {
      ready.add(k);
      notifyAll();
    }
  }

  public synchronized int size() {
    return waiting.size() + inFlight.size();
  }
}
