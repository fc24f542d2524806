package dev.caravan.reconciler.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitSourceTest {
  @TempDir Path tmp;

  @Test
  void readsOnlyFilesMatchingTheGlobsAtTheBranchHead() throws Exception {
    Path repo = tmp.resolve("repo");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      write(repo, "jobs/web.hcl", "job \"web\" {}");
      write(repo, "jobs/team/api.hcl", "job \"api\" {}");
      write(repo, "jobs/notes.md", "not a job");
      write(repo, "docker/box.hcl", "job \"box\" {}");
      String first = commit(git, "first");

      try (GitSource source = new GitSource(config(repo), tmp.resolve("mirror"))) {
        SourceSnapshot snap = source.fetch();

        assertEquals(first, snap.commit());
        assertEquals(List.of("jobs/team/api.hcl", "jobs/web.hcl"), snap.files().keySet().stream().sorted().toList());
        assertEquals("job \"web\" {}", snap.files().get("jobs/web.hcl").content());

        write(repo, "jobs/web.hcl", "job \"web\" { }");
        String second = commit(git, "second");
        SourceSnapshot next = source.fetch();

        assertEquals(second, next.commit());
        assertEquals("second", next.message());
        assertNotEquals(snap.files().get("jobs/web.hcl").blobId(), next.files().get("jobs/web.hcl").blobId());
        assertEquals(snap.files().get("jobs/team/api.hcl").blobId(), next.files().get("jobs/team/api.hcl").blobId());
      }
    }
  }

  @Test
  void readsOnlyWhatTheTreeDiffNamesAndCarriesTheRestOver() throws Exception {
    Path repo = tmp.resolve("repo");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      write(repo, "jobs/a.hcl", "job \"a\" {}");
      write(repo, "jobs/b.hcl", "job \"b\" {}");
      write(repo, "jobs/c.hcl", "job \"c\" {}");
      commit(git, "first");
      try (GitSource source = new GitSource(config(repo), tmp.resolve("mirror"))) {
        SourceSnapshot first = source.fetch(null);

        write(repo, "jobs/b.hcl", "job \"b\" { }");
        Files.delete(repo.resolve("jobs/c.hcl"));
        git.rm().addFilepattern("jobs/c.hcl").call();
        commit(git, "second");
        SourceSnapshot second = source.fetch(first);

        assertTrue(first.files().get("jobs/a.hcl") == second.files().get("jobs/a.hcl"),
            "an unchanged file is carried over, not read again");
        assertEquals("job \"b\" { }", second.files().get("jobs/b.hcl").content());
        assertFalse(second.files().containsKey("jobs/c.hcl"));
        assertTrue(second == source.fetch(second) || second.files() == source.fetch(second).files());
      }
    }
  }

  @Test
  void excludedGlobsAreLeftOut() {
    GitSource source = new GitSource(new SourceConfig("t", "file:///x", "main",
        List.of("jobs/**/*.hcl"), List.of("jobs/drafts/**"), null, false, 0.3, true, false,
        List.of(), null), tmp.resolve("mirror"));

    assertTrue(source.matches("jobs/a.hcl"));
    assertFalse(source.matches("jobs/drafts/b.hcl"));
  }

  @Test
  void missingRepositoryIsAnErrorNamingItsUrl() {
    Path nowhere = tmp.resolve("nowhere");
    try (GitSource source = new GitSource(config(nowhere), tmp.resolve("mirror"))) {
      IOException e = assertThrows(IOException.class, source::fetch);
      assertTrue(e.getMessage().startsWith("fetching " + nowhere.toUri()), e.getMessage());
    }
  }

  @Test
  void doubleStarGlobAlsoMatchesFilesDirectlyInTheFolder() {
    GitSource source = new GitSource(config(tmp), tmp.resolve("mirror"));

    assertTrue(source.matches("jobs/a.hcl"));
    assertTrue(source.matches("jobs/x/y/a.hcl"));
    assertFalse(source.matches("jobs/a.nomad"));
    assertFalse(source.matches("other/a.hcl"));
  }

  private static SourceConfig config(Path repo) {
    return new SourceConfig("test", repo.toUri().toString(), "main", List.of("jobs/**/*.hcl"), null);
  }

  private static void write(Path repo, String path, String text) throws IOException {
    Path f = repo.resolve(path);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }

  private static String commit(Git git, String message) throws Exception {
    git.add().addFilepattern(".").call();
    PersonIdent who = new PersonIdent("Test", "test@localhost");
    return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call().name();
  }
}
