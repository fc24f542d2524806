package dev.caravan.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.reconciler.diff.FieldDiff;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanMarkdownTest {

  private static SourcePlan plan() {
    return new SourcePlan("prod", "refs/pull/7/head", "0123456789abcdef0123", List.of(
        new JobPlan("api", "jobs/api.hcl", "Update", true,
            List.of(new FieldDiff("TaskGroups[g].Tasks[t].Config.image", FieldDiff.Type.Edited,
                "\"app:1\"", "\"app:2\"")),
            Map.of("g", new Plan.DesiredUpdates(0, 0, 0, 0, 0, 2, 1, 0)), List.of()),
        new JobPlan("new", "jobs/new.hcl", "Create", false, List.of(),
            Map.of("g", new Plan.DesiredUpdates(0, 3, 0, 0, 0, 0, 0, 0)), List.of()),
        new JobPlan(null, "jobs/bad.hcl", "Error", false, List.of(), Map.of(),
            List.of("jobs/bad.hcl:3:5: unknown attribute or block \"cuont\" in group; did you mean \"count\"?")),
        new JobPlan("same", "jobs/same.hcl", "None", false, List.of(), Map.of(), List.of())),
        null);
  }

  @Test
  void summarisesCreatesUpdatesErrorsAndUnchangedJobs() {
    assertEquals("1 to create, 1 to update (1 destructive), 1 file with errors; 1 unchanged",
        PlanMarkdown.summary(plan()));
  }

  @Test
  void rendersTheTableTheDiffAndTheErrorsWithTheirPositions() {
    String md = PlanMarkdown.render(plan());

    assertTrue(md.startsWith("### Caravan plan for `prod` at `0123456789ab`\n"), md);
    assertTrue(md.contains("| ✏️ | `api` | `jobs/api.hcl` | update, destructive | `g`: 2 create/destroy update, 1 canary |"), md);
    assertTrue(md.contains("| ➕ | `new` | `jobs/new.hcl` | create | `g`: 3 create |"), md);
    assertTrue(md.contains("```diff\n- TaskGroups[g].Tasks[t].Config.image: \"app:1\"\n"
        + "+ TaskGroups[g].Tasks[t].Config.image: \"app:2\"\n```"), md);
    assertTrue(md.contains("#### Errors\n\n```\njobs/bad.hcl:3:5: unknown attribute"), md);
    assertFalse(md.contains("`same`"), "unchanged jobs are counted, not listed");
  }

  @Test
  void valuesFromTheRepositoryCannotBreakOutOfTheirCode() {
    SourcePlan evil = new SourcePlan("prod", "main", null, List.of(new JobPlan("a`|<img src=x>",
        "jobs/a.hcl", "Create", false, List.of(new FieldDiff("Meta.x", FieldDiff.Type.Added, null,
            "\"```\\n<script>\"")), Map.of(), List.of())), null);

    String md = PlanMarkdown.render(evil);

    assertTrue(md.contains("`a'\\|<img src=x>`"), md);
    assertTrue(md.contains("<summary><code>a`|&lt;img src=x&gt;</code>"), md);
    assertEquals(2, md.split("```", -1).length - 1, "only the renderer's own fences: " + md);
  }

  @Test
  void aPlanThatCouldNotBeComputedSaysWhy() {
    String md = PlanMarkdown.render(new SourcePlan("prod", "refs/pull/9/head", null, List.of(),
        "ref refs/pull/9/head not found in file:///x"));

    assertTrue(md.contains("**The plan could not be computed.**\n\n```\nref refs/pull/9/head not found"), md);
  }
}
