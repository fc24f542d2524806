package dev.caravan.reconciler.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.SourceSyncRecord;
import dev.caravan.reconciler.git.SourceConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceReconcilerTest {
  @TempDir Path tmp;
  private final InMemoryCluster cluster = new InMemoryCluster();

  @Test
  void aStoppedGitServerKeepsTheLastStateReportsTheErrorAndNeverPrunes() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    for (String n : List.of("a", "b", "c", "d")) {
      repo.write("jobs/" + n + ".hcl", GitRepo.job(n, 1));
    }
    String synced = repo.push("add four");
    try (GitDaemon daemon = new GitDaemon(tmp).start();
        SourceSyncer s = new SourceSyncer(new SourceConfig("app", daemon.url("app.git"), "main",
            null, Duration.ofSeconds(60)).withPrune(true, 1.0), tmp.resolve("mirror"), cluster,
            r -> { })) {
      SourceSyncer.SyncReport ok = s.sync();
      assertNull(ok.error());

      daemon.stop();
      repo.delete("jobs/a.hcl").delete("jobs/b.hcl").delete("jobs/c.hcl").delete("jobs/d.hcl")
          .write("jobs/e.hcl", GitRepo.job("e", 1)).push("replace everything");
      SourceSyncer.SyncReport down = s.sync();

      assertTrue(down.error().startsWith("fetching " + daemon.url("app.git")), down.error());
      assertTrue(down.error().contains("keeping commit " + synced.substring(0, 8) + " synced at "),
          down.error());
      assertEquals(synced, down.commit());
      assertEquals(ok.lastSuccessAt(), down.lastSuccessAt());
      assertEquals(4, down.jobs().size());
      assertTrue(cluster.state().jobs().stream().noneMatch(Job::stop));
      assertEquals(SourceSyncRecord.OUTCOME_FAILED,
          cluster.state().sourceSyncs("app").get(0).outcome());

      daemon.start();
      SourceSyncer.SyncReport back = s.sync();

      assertNull(back.error());
      assertEquals(repo.head(), back.commit());
      assertTrue(cluster.state().job("default", "e").isPresent());
    }
  }

  @Test
  void aSourceRecoversByItselfWhenItsGitServerReturns() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/a.hcl", GitRepo.job("a", 1)).push("a");
    try (GitDaemon daemon = new GitDaemon(tmp);
        SourceReconciler rec = reconciler()) {
      rec.start();
      rec.add(new SourceConfig("app", daemon.url("app.git"), "main", null,
          Duration.ofMillis(200)));
      await(() -> rec.syncer("app").orElseThrow().lastReport()
          .map(r -> r.error() != null).orElse(false), "the first fetch fails");

      daemon.start();

      await(() -> cluster.state().job("default", "a").isPresent(), "synced after the server returned");
    }
  }

  @Test
  void aJobEditedThroughTheApiIsHealedLongBeforeTheNextPoll() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/web.hcl", GitRepo.job("web", 2)).push("web");
    try (SourceReconciler rec = reconciler()) {
      rec.start();
      rec.add(new SourceConfig("app", repo.url(), "main", null, Duration.ofHours(1)));
      await(() -> cluster.state().job("default", "web").isPresent(), "first sync");
      Job live = cluster.state().job("default", "web").orElseThrow();

      cluster.apiRegister(live.toBuilder().taskGroups(List.of(
          live.taskGroups().get(0).toBuilder().count(5).build())).build());

      await(() -> cluster.state().job("default", "web").orElseThrow().version() == 2,
          "healed through the blocking query, not the 1h poll");
      assertEquals(2, cluster.state().job("default", "web").orElseThrow().taskGroups().get(0).count());
    }
  }

  @Test
  void triggersArrivingDuringAPassCoalesceIntoOneMorePass() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/a.hcl", GitRepo.job("a", 1)).push("a");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inFirst = new CountDownLatch(1);
    AtomicInteger passes = new AtomicInteger();
    try (SourceReconciler rec = new SourceReconciler(cluster, tmp.resolve("sources"),
        Clock.systemUTC(), new SplittableRandom(1), r -> {
          if (passes.incrementAndGet() == 1) {
            inFirst.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        })) {
      rec.add(new SourceConfig("app", repo.url(), "main", null, Duration.ofHours(1)));
      assertTrue(inFirst.await(30, TimeUnit.SECONDS));

      for (int i = 0; i < 5; i++) {
        rec.trigger("app", SourceSyncer.SyncOptions.POLL);
      }
      release.countDown();

      await(() -> passes.get() == 2, "one more pass");
      Thread.sleep(300);
      assertEquals(2, passes.get());
      assertFalse(rec.trigger("nope", SourceSyncer.SyncOptions.POLL));
    }
  }

  @Test
  void pollsAfterTheIntervalWithJitterAndBacksOffAfterFailures() {
    SplittableRandom random = new SplittableRandom(7);
    Duration minute = Duration.ofSeconds(60);

    long next = SourceReconciler.nextDelayMillis(minute, 0, random);

    assertTrue(next >= 60_000 && next < 66_000, Long.toString(next));
    assertEquals(1_000, SourceReconciler.nextDelayMillis(minute, 1, random));
    assertEquals(8_000, SourceReconciler.nextDelayMillis(minute, 4, random));
    assertEquals(300_000, SourceReconciler.nextDelayMillis(minute, 30, random));
    assertEquals(3_600_000, SourceReconciler.nextDelayMillis(Duration.ofHours(1), 30, random));
  }

  private SourceReconciler reconciler() {
    return new SourceReconciler(cluster, tmp.resolve("sources"), Clock.systemUTC(),
        new SplittableRandom(1), r -> { });
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out waiting for: " + what);
  }
}
