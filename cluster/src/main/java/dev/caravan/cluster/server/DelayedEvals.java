package dev.caravan.cluster.server;

import dev.caravan.cluster.structs.Evaluation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Evaluations that must not run before their {@code WaitUntil} (the follow-up of a delayed
 * reschedule): the leader holds them here and hands each one's id to {@code due} when its
 * time comes, as Nomad's delay heap does. Held only in memory: a new leader re-reads the
 * pending evaluations from the state and holds them again.
 */
final class DelayedEvals {
  private final ScheduledExecutorService timers;
  private final LongSupplier nowNanos;
  private final Consumer<String> due;
  private final Map<String, ScheduledFuture<?>> waiting = new ConcurrentHashMap<>();

  DelayedEvals(ScheduledExecutorService timers, LongSupplier nowNanos, Consumer<String> due) {
    this.timers = timers;
    this.nowNanos = nowNanos;
    this.due = due;
  }

  /** Holds the evaluation until its time; false (not held) when it is due already. */
  boolean hold(Evaluation eval) {
    long wait = eval.waitUntil() - nowNanos.getAsLong();
    if (eval.waitUntil() <= 0 || wait <= 0) {
      return false;
    }
    waiting.computeIfAbsent(eval.id(), id -> timers.schedule(() -> {
      waiting.remove(id);
      due.accept(id);
    }, wait, TimeUnit.NANOSECONDS));
    return true;
  }

  /** Forgets every held evaluation (leadership lost). */
  void clear() {
    waiting.values().forEach(f -> f.cancel(false));
    waiting.clear();
  }

  int size() {
    return waiting.size();
  }
}
