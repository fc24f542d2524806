package dev.caravan.cluster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

  @Test
  void itemsQueuedWhileABatchIsInFlightShareTheNextEntry() throws Exception {
    CountDownLatch firstProposed = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    GroupCommit<Integer, String> commit = new GroupCommit<>("test", 1, 100,
        Duration.ofSeconds(30), batch -> {
          batches.add(batch);
          firstProposed.countDown();
          await(release);
          int entry = batches.size();
          return batch.stream().map(item -> entry + ":" + item).toList();
        });
    ExecutorService callers = Executors.newFixedThreadPool(6);
    try {
      Future<String> first = callers.submit(() -> commit.submit(0));
      assertTrue(firstProposed.await(10, TimeUnit.SECONDS));
      List<Future<String>> later = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        int item = i;
        later.add(callers.submit(() -> commit.submit(item)));
      }
      while (commit.queued() < 5) {
        Thread.sleep(10); // the five wait behind the first batch
      }

      release.countDown();

      // each caller gets its own item's outcome, from the entry that carried it
      assertEquals("1:0", first.get(10, TimeUnit.SECONDS));
      for (int i = 0; i < later.size(); i++) {
        assertEquals("2:" + (i + 1), later.get(i).get(10, TimeUnit.SECONDS));
      }
      assertEquals(List.of(0), batches.get(0));
      assertEquals(List.of(1, 2, 3, 4, 5), batches.get(1).stream().sorted().toList());
    } finally {
      release.countDown();
      commit.close();
      callers.shutdownNow();
    }
  }

  @Test
  void aFailedProposalFailsEveryCallerInItsBatch() {
    GroupCommit<String, String> commit = new GroupCommit<>("test", 1, 10,
        Duration.ofSeconds(30), batch -> {
          throw new ClusterException(503, "no leader: test");
        });
    try {
      ClusterException e = assertThrows(ClusterException.class, () -> commit.submit("x"));

      assertEquals("no leader: test", e.getMessage());
    } finally {
      commit.close();
    }
  }

  @Test
  void aProposerThatAnswersForTooFewItemsFailsTheBatch() {
    GroupCommit<String, String> commit = new GroupCommit<>("test", 1, 10,
        Duration.ofSeconds(30), batch -> List.of());
    try {
      ClusterException e = assertThrows(ClusterException.class, () -> commit.submit("x"));

      assertEquals(503, e.status());
      assertTrue(e.getMessage().contains("0 outcomes for 1 items"), e.getMessage());
    } finally {
      commit.close();
    }
  }

  @Test
  void aClosedGroupCommitRefusesWithServiceUnavailable() {
    GroupCommit<String, String> commit = new GroupCommit<>("test", 1, 10,
        Duration.ofSeconds(30), batch -> batch);
    commit.close();

    ClusterException e = assertThrows(ClusterException.class, () -> commit.submit("x"));

    assertEquals(503, e.status());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
