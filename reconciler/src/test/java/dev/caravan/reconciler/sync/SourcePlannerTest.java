package dev.caravan.reconciler.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.reconciler.git.SourceConfig;
import dev.caravan.reconciler.plan.JobPlan;
import dev.caravan.reconciler.plan.PlanText;
import dev.caravan.reconciler.plan.SourcePlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcePlannerTest {
  @TempDir Path tmp;
  private final InMemoryCluster cluster = new InMemoryCluster();

  @Test
  void plansAnyRefAgainstTheLiveClusterWithoutChangingIt() throws Exception {
    GitRepo repo = new GitRepo(tmp, "app");
    String main = repo.write("jobs/web.hcl", GitRepo.job("web", 1)).push("web");
    try (SourceSyncer s = new SourceSyncer(new SourceConfig("app", repo.url(), "main", null,
        Duration.ofSeconds(60)), tmp.resolve("mirror"), cluster, r -> { })) {
      s.sync();
      repo.git(repo.work, "checkout", "-q", "-b", "feature");
      repo.write("jobs/web.hcl", GitRepo.job("web", 3)).write("jobs/api.hcl", GitRepo.job("api", 2))
          .write("jobs/bad.hcl", "job \"bad\" {\n  group \"g\" {\n");
      repo.git(repo.work, "add", "-A");
      repo.git(repo.work, "commit", "-q", "-m", "feature");
      repo.git(repo.work, "push", "-q", "origin", "feature");
      long index = cluster.state().index();

      SourcePlan feature = s.plan("feature");
      SourcePlan head = s.plan(main.substring(0, 10));

      assertEquals(index, cluster.state().index(), "planning changes nothing");
      assertEquals(List.of("jobs/api.hcl", "jobs/bad.hcl", "jobs/web.hcl"),
          feature.jobs().stream().map(JobPlan::path).toList());
      JobPlan web = feature.jobs().get(2);
      assertEquals("Update", web.action());
      assertEquals(false, web.destructive());
      assertEquals("~ TaskGroups[g].Count: 1 => 3", web.diff().get(0).toString());
      assertEquals("Create", feature.jobs().get(0).action());
      assertTrue(feature.jobs().get(0).groups().containsKey("g"), "the scheduler dry run ran");
      assertEquals("Error", feature.jobs().get(1).action());
      assertTrue(feature.jobs().get(1).errors().get(0).startsWith("jobs/bad.hcl:"));
      assertEquals(255, feature.exitCode());
      assertEquals(0, head.exitCode(), PlanText.render(head));
      assertTrue(PlanText.render(feature).contains("+/- Job: \"web\" (jobs/web.hcl) [in-place]"),
          PlanText.render(feature));
    }
  }
}
