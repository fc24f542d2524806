package dev.caravan.reconciler.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.SourceSyncRecord;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.reconciler.git.SourceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceSyncerTest {
  @TempDir Path tmp;
  private final InMemoryCluster cluster = new InMemoryCluster();
  private final JobClaims claims = new JobClaims();

  @Test
  void pushedJobIsCreatedWithSourceMetaThenUpdatedThenRenamedWithoutANewJob() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    String first = repo.write("jobs/web.hcl", GitRepo.job("web", 1)).push("add web");
    try (SourceSyncer s = syncer(config(repo))) {
      SourceSyncer.SyncReport r1 = s.sync();
      Job web = live("web");

      assertNull(r1.error());
      assertEquals(SyncStatus.Synced, state(r1, "web").status());
      assertEquals(SyncAction.Create, state(r1, "web").action());
      assertEquals(Map.of("caravan.source", "app", "caravan.path", "jobs/web.hcl",
          "caravan.commit", first), web.meta());

      String second = repo.write("jobs/web.hcl", GitRepo.job("web", 3)).push("scale web");
      SourceSyncer.SyncReport r2 = s.sync();

      assertEquals(SyncAction.Update, state(r2, "web").action());
      assertEquals(3, live("web").taskGroups().get(0).count());
      assertEquals(second, live("web").meta().get("caravan.commit"));
      assertEquals(1, live("web").version());

      repo.move("jobs/web.hcl", "jobs/frontend/web.hcl").push("move web");
      SourceSyncer.SyncReport r3 = s.sync();

      assertEquals(SyncStatus.Synced, state(r3, "web").status());
      assertEquals("jobs/frontend/web.hcl", live("web").meta().get("caravan.path"));
      assertEquals(1, cluster.state().jobs().size());
      assertFalse(live("web").stop());
    }
  }

  @Test
  void aFileThatDoesNotParseIsErrorAndLeavesItsJobWhileAValidChangeNextToItApplies()
      throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/a.hcl", GitRepo.job("a", 1)).write("jobs/b.hcl", GitRepo.job("b", 1))
        .push("add a and b");
    try (SourceSyncer s = syncer(config(repo).withPrune(true, 1.0))) {
      s.sync();
      long versionA = live("a").version();

      repo.write("jobs/a.hcl", "job \"a\" {\n  group \"g\" {\n    count = \n")
          .write("jobs/b.hcl", GitRepo.job("b", 2)).push("break a, scale b");
      SourceSyncer.SyncReport r = s.sync();

      JobSyncState a = r.jobs().stream().filter(j -> j.path().equals("jobs/a.hcl")).findFirst()
          .orElseThrow();
      assertEquals(SyncStatus.Error, a.status());
      assertEquals("a", a.jobId(), "the broken file is named with the job it last produced");
      assertTrue(a.errors().get(0).matches("jobs/a\\.hcl:\\d+:\\d+: .*"), a.errors().toString());
      assertEquals(versionA, live("a").version());
      assertFalse(live("a").stop(), "never pruned while its file does not parse");
      assertEquals(2, live("b").taskGroups().get(0).count());
    }
  }

  @Test
  void aJobDeletedFromGitStaysWhenPruneIsOffAndIsReportedOutOfSync() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/a.hcl", GitRepo.job("a", 1)).write("jobs/b.hcl", GitRepo.job("b", 1))
        .push("add");
    try (SourceSyncer s = syncer(config(repo))) {
      s.sync();

      repo.delete("jobs/b.hcl").push("remove b");
      SourceSyncer.SyncReport r = s.sync();

      assertFalse(live("b").stop());
      assertEquals(SyncStatus.OutOfSync, state(r, "b").status());
      assertEquals("jobs/b.hcl: deleted from Git; prune is off for this source",
          state(r, "b").errors().get(0));
    }
  }

  @Test
  void aJobDeletedFromGitIsStoppedWhenPruneIsOn() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    for (String n : List.of("a", "b", "c", "d")) {
      repo.write("jobs/" + n + ".hcl", GitRepo.job(n, 1));
    }
    repo.push("add four");
    try (SourceSyncer s = syncer(config(repo).withPrune(true, 0.3))) {
      s.sync();

      repo.delete("jobs/d.hcl").push("remove d");
      SourceSyncer.SyncReport r = s.sync();

      assertNull(r.error());
      assertEquals(SyncStatus.Pruning, state(r, "d").status());
      assertTrue(live("d").stop());
      assertFalse(live("a").stop());
      SourceSyncRecord rec = cluster.state().sourceSyncs("app").get(0);
      assertEquals(List.of(new SourceSyncRecord.JobChange("d", "default", "jobs/d.hcl", "Delete",
          live("d").version())), rec.jobs());
    }
  }

  @Test
  void massPruneIsRefusedWithTheCommandThatConfirmsIt() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    for (String n : List.of("a", "b", "c", "d")) {
      repo.write("jobs/" + n + ".hcl", GitRepo.job(n, 1));
    }
    repo.push("add four");
    try (SourceSyncer s = syncer(config(repo).withPrune(true, 0.3))) {
      s.sync();

      repo.delete("jobs/b.hcl").delete("jobs/c.hcl").write("jobs/a.hcl", GitRepo.job("a", 2))
          .push("remove b and c, scale a");
      SourceSyncer.SyncReport refused = s.sync();

      assertEquals("prune refused: this pass would delete 2 of the 4 jobs of source app (more "
          + "than max_prune_fraction 0.3); if that is intended, confirm with: caravan source "
          + "sync app -allow-mass-prune", refused.error());
      assertFalse(live("b").stop());
      assertEquals(1, live("a").taskGroups().get(0).count(), "a refused pass applies nothing");
      assertEquals(SourceSyncRecord.OUTCOME_FAILED,
          cluster.state().sourceSyncs("app").get(0).outcome());

      SourceSyncer.SyncReport confirmed = s.sync(new SourceSyncer.SyncOptions(true, true));

      assertNull(confirmed.error());
      assertTrue(live("b").stop());
      assertTrue(live("c").stop());
      assertEquals(2, live("a").taskGroups().get(0).count());
    }
  }

  @Test
  void gitRevertOfADeployingCommitBringsBackTheEarlierSpecAsANewVersion() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/web.hcl", GitRepo.job("web", 1, "web:1")).push("web 1");
    try (SourceSyncer s = syncer(config(repo))) {
      s.sync();
      Job before = live("web");
      String deploy = repo.write("jobs/web.hcl", GitRepo.job("web", 1, "web:2")).push("web 2");
      s.sync();

      String revert = repo.revert(deploy);
      s.sync();

      Job after = live("web");
      assertEquals(2, after.version());
      assertEquals(before.taskGroups(), after.taskGroups());
      assertEquals(revert, after.meta().get("caravan.commit"));
    }
  }

  @Test
  void aJobEditedThroughTheApiIsHealedOncePerCommitWithSelfHeal() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/web.hcl", GitRepo.job("web", 2)).push("web");
    try (SourceSyncer s = syncer(config(repo))) {
      s.sync();

      cluster.apiRegister(withCount(live("web"), 5));
      assertTrue(s.liveChanged(cluster.state()), "the drift watcher sees the change");
      SourceSyncer.SyncReport healed = s.sync(SourceSyncer.SyncOptions.LIVE);

      assertEquals(2, live("web").taskGroups().get(0).count());
      assertEquals(SyncStatus.Synced, state(healed, "web").status());
      assertFalse(s.liveChanged(cluster.state()));

      cluster.apiRegister(withCount(live("web"), 7));
      SourceSyncer.SyncReport again = s.sync(SourceSyncer.SyncOptions.LIVE);

      assertEquals(7, live("web").taskGroups().get(0).count(), "no flapping: once per commit");
      assertEquals(SyncStatus.OutOfSync, state(again, "web").status());
    }
  }

  @Test
  void aJobEditedThroughTheApiIsReportedWithItsDiffWithoutSelfHeal() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/web.hcl", GitRepo.job("web", 2)).push("web");
    try (SourceSyncer s = syncer(config(repo).withSelfHeal(false))) {
      s.sync();

      cluster.apiRegister(withCount(live("web"), 5));
      SourceSyncer.SyncReport r = s.sync();

      assertEquals(5, live("web").taskGroups().get(0).count());
      assertEquals(SyncStatus.OutOfSync, state(r, "web").status());
      assertEquals(List.of("~ TaskGroups[g].Count: 5 => 2"), state(r, "web").diff());
      assertEquals("jobs/web.hcl: changed outside Git; self_heal is off",
          state(r, "web").errors().get(0));
    }
  }

  @Test
  void aJobStoppedThroughTheApiIsRecreatedWithSelfHealAndReportedMissingWithout()
      throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/web.hcl", GitRepo.job("web", 1)).push("web");
    try (SourceSyncer healing = syncer(config(repo))) {
      healing.sync();
      cluster.deregisterJob("default", "web", false);

      healing.sync();

      assertFalse(live("web").stop());
    }
    InMemoryCluster other = new InMemoryCluster();
    try (SourceSyncer reporting = new SourceSyncer(config(repo).withSelfHeal(false),
        tmp.resolve("mirror2"), other, r -> { })) {
      reporting.sync();
      other.deregisterJob("default", "web", true);

      SourceSyncer.SyncReport r = reporting.sync();

      assertEquals(SyncStatus.Missing, state(r, "web").status());
      assertTrue(other.state().job("default", "web").isEmpty());
    }
  }

  @Test
  void caravanMetaAloneIsNotDrift() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/web.hcl", GitRepo.job("web", 1)).push("web");
    try (SourceSyncer s = syncer(config(repo).withSelfHeal(false))) {
      s.sync();
      Map<String, String> meta = new LinkedHashMap<>(live("web").meta());
      meta.put("caravan.commit", "0000000");
      cluster.apiRegister(live("web").toBuilder().meta(meta).build());
      int registers = cluster.registers;

      SourceSyncer.SyncReport r = s.sync();

      assertEquals(SyncStatus.Synced, state(r, "web").status());
      assertEquals(registers, cluster.registers);
    }
  }

  @Test
  void preserveCountsKeepsLiveCountsAndTakesGitsCountForNewGroups() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/web.hcl", GitRepo.job("web", 2)).push("web");
    try (SourceSyncer s = syncer(config(repo).withPreserveCounts(true))) {
      s.sync();
      cluster.apiRegister(withCount(live("web"), 9));

      String twoGroups = GitRepo.job("web", 4, "web:2").replace("group \"g\" {",
          "group \"g\" {\n    meta { x = \"1\" }").replaceFirst("\\}\\s*$", "")
          + "  group \"h\" {\n    count = 3\n    task \"t\" {\n      driver = \"mock\"\n"
          + "      resources {\n        cpu = 10\n        memory = 16\n      }\n    }\n  }\n}\n";
      repo.write("jobs/web.hcl", twoGroups).push("new image, group h");
      s.sync();

      assertEquals(9, live("web").group("g").count());
      assertEquals(3, live("web").group("h").count());
      assertEquals("web:2", live("web").group("g").tasks().get(0).config().get("image"));
    }
  }

  @Test
  void aJobClaimedByTwoSourcesIsAnErrorOnBothAndIsLeftAlone() throws Exception {
    GitRepo one = new GitRepo(tmp, "one");
    GitRepo two = new GitRepo(tmp, "two");
    one.write("jobs/web.hcl", GitRepo.job("web", 1)).push("web");
    two.write("jobs/web.hcl", GitRepo.job("web", 4)).push("web too");
    try (SourceSyncer a = syncer(config(one, "one"), "m1");
        SourceSyncer b = syncer(config(two, "two"), "m2")) {
      a.sync();
      SourceSyncer.SyncReport rb = b.sync();
      SourceSyncer.SyncReport ra = a.sync();

      assertEquals(SyncStatus.Error, state(rb, "web").status());
      assertEquals(SyncStatus.Error, state(ra, "web").status());
      assertTrue(state(ra, "web").errors().get(0).contains("also declared by source \"two\""));
      assertEquals(1, live("web").taskGroups().get(0).count());
      assertEquals(0, live("web").version());
    }
  }

  @Test
  void childrenOfPeriodicJobsAreIgnoredAndNeverPruned() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    for (String n : List.of("a", "b", "c", "d")) {
      repo.write("jobs/" + n + ".hcl", GitRepo.job(n, 1));
    }
    repo.push("add");
    try (SourceSyncer s = syncer(config(repo).withPrune(true, 1.0))) {
      s.sync();
      Job child = live("a").toBuilder().id("a/periodic-1700000000").parentId("a").build();
      cluster.apply(new Command.JobRegister(child, false, 0, null, 1L));

      SourceSyncer.SyncReport r = s.sync();

      assertFalse(live("a/periodic-1700000000").stop());
      assertTrue(r.jobs().stream().noneMatch(j -> "a/periodic-1700000000".equals(j.jobId())));
    }
  }

  @Test
  void aCheckAndSetConflictReadsAgainAndNeverOverwritesBlindly() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("jobs/web.hcl", GitRepo.job("web", 1)).push("web");
    try (SourceSyncer s = syncer(config(repo).withSelfHeal(false))) {
      s.sync();
      repo.write("jobs/web.hcl", GitRepo.job("web", 2, "web:2")).push("web 2");
      cluster.beforeNextRegister(() -> {
        try {
          cluster.apiRegister(withCount(live("web"), 6));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });

      SourceSyncer.SyncReport r = s.sync();

      assertEquals(SyncStatus.Synced, state(r, "web").status());
      assertEquals("web:2", live("web").group("g").tasks().get(0).config().get("image"));
      assertEquals(2, live("web").version(), "v0 Git, v1 the concurrent edit, v2 Git again");
    }
  }

  @Test
  void passesThatChangeSomethingAreRecordedWithCommitAndVersionsAndNoOpsAreNot()
      throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    String sha = repo.write("jobs/web.hcl", GitRepo.job("web", 1)).push("add web");
    try (SourceSyncer s = syncer(config(repo))) {
      s.sync();
      s.sync();

      List<SourceSyncRecord> history = cluster.state().sourceSyncs("app");
      assertEquals(1, history.size());
      SourceSyncRecord r = history.get(0);
      assertEquals(sha, r.commit());
      assertEquals("Test", r.author());
      assertEquals("add web", r.message());
      assertEquals(SourceSyncRecord.OUTCOME_SUCCEEDED, r.outcome());
      assertEquals(List.of(new SourceSyncRecord.JobChange("web", "default", "jobs/web.hcl",
          "Create", 0)), r.jobs());
    }
  }

  @Test
  void variableFilesFeedEveryJobAndAChangeToThemReparsesAll() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    repo.write("vars/prod.hcl", "image = \"web:1\"\n")
        .write("jobs/web.hcl", GitRepo.job("web", 1, "${var.image}")).push("web with vars");
    try (SourceSyncer s = syncer(config(repo).withVarFiles(List.of("vars/prod.hcl")))) {
      s.sync();
      assertEquals("web:1", live("web").group("g").tasks().get(0).config().get("image"));

      repo.write("vars/prod.hcl", "image = \"web:2\"\n").push("web 2");
      s.sync();

      assertEquals("web:2", live("web").group("g").tasks().get(0).config().get("image"));
    }
  }

  @Test
  void manyFilesAreParsedInParallelAndAppliedInPathOrder() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    for (int i = 0; i < 70; i++) {
      repo.write(String.format("jobs/j%02d.hcl", i), GitRepo.job(String.format("j%02d", i), 1));
    }
    repo.write("jobs/zz-broken.hcl", "job \"x\" {\n");
    repo.push("seventy jobs and a broken file");
    try (SourceSyncer s = syncer(config(repo))) {
      SourceSyncer.SyncReport r = s.sync();

      assertEquals(71, r.jobs().size());
      assertEquals(70, cluster.state().jobs().size());
      assertEquals(SyncStatus.Error, r.jobs().get(70).status());
      assertEquals(r.jobs().stream().map(JobSyncState::path).sorted().toList(),
          r.jobs().stream().map(JobSyncState::path).toList());
    }
  }

  private SourceSyncer syncer(SourceConfig cfg) {
    return syncer(cfg, "mirror");
  }

  private SourceSyncer syncer(SourceConfig cfg, String mirror) {
    return new SourceSyncer(cfg, tmp.resolve(mirror), cluster, r -> { },
        java.time.Clock.systemUTC(), claims);
  }

  private static SourceConfig config(GitRepo repo) {
    return config(repo, "app");
  }

  private static SourceConfig config(GitRepo repo, String name) {
    return new SourceConfig(name, repo.url(), "main", List.of("jobs/**/*.hcl"),
        Duration.ofSeconds(60));
  }

  private Job live(String id) {
    return cluster.state().job("default", id).orElseThrow(() -> new AssertionError("no job " + id));
  }

  private static Job withCount(Job job, int count) {
    TaskGroup g = job.taskGroups().get(0).toBuilder().count(count).build();
    return job.toBuilder().taskGroups(List.of(g)).build();
  }

  private static JobSyncState state(SourceSyncer.SyncReport r, String jobId) {
    JobSyncState s = r.jobs().stream().filter(j -> jobId.equals(j.jobId())).findFirst()
        .orElse(null);
    assertNotNull(s, "no state for " + jobId + " in " + r);
    return s;
  }
}
