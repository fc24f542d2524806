package dev.caravan.cluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Evaluation;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayedEvalsTest {
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong now = new AtomicLong(1_000);
  private final List<String> due = new CopyOnWriteArrayList<>();
  private final DelayedEvals delayed = new DelayedEvals(timers, now::get, due::add);

  @AfterEach
  void stop() throws InterruptedException {
    timers.shutdownNow();
    timers.awaitTermination(5, TimeUnit.SECONDS);
  }

  private static Evaluation eval(String id, long waitUntil) {
    return Evaluation.builder().id(id).jobId("j").waitUntil(waitUntil).build();
  }

  @Test
  void anEvaluationWithoutWaitOrAlreadyDueIsNotHeld() {
    assertFalse(delayed.hold(eval("now", 0)));
    assertFalse(delayed.hold(eval("past", 500)));
    assertEquals(0, delayed.size());
  }

  @Test
  void aFutureEvaluationIsHeldOnce() {
    assertTrue(delayed.hold(eval("later", 1_000 + TimeUnit.HOURS.toNanos(1))));
    assertTrue(delayed.hold(eval("later", 1_000 + TimeUnit.HOURS.toNanos(1))));

    assertEquals(1, delayed.size());
  }

  @Test
  void aHeldEvaluationIsHandedOverWhenDue() throws Exception {
    assertTrue(delayed.hold(eval("soon", 1_000 + 1_000_000)));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (due.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    assertEquals(List.of("soon"), due);
    assertEquals(0, delayed.size());
  }

  @Test
  void clearingForgetsHeldEvaluations() throws Exception {
    delayed.hold(eval("later", 1_000 + TimeUnit.HOURS.toNanos(1)));

    delayed.clear();

    assertEquals(0, delayed.size());
    assertTrue(due.isEmpty());
  }
}
