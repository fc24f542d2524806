package dev.caravan.reconciler.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS sources with a token or basic auth against {@code git http-backend} on 127.0.0.1. */
class GitSourceHttpsAuthTest {
  @TempDir Path tmp;

  @Test
  void fetchesOverHttpsWithAToken() throws Exception {
    String sha = repo();
    try (GitHttpBackend server = new GitHttpBackend(tmp.resolve("srv"), tmp, null, "t0ken");
        GitSource source = new GitSource(config(server.url("jobs.git"),
            new SourceAuth("t0ken", null, null, null, null)), mirror("m1"))) {
      SourceSnapshot snap = source.fetch();

      assertEquals(sha, snap.commit());
      assertEquals(List.of("jobs/web.hcl"), List.copyOf(snap.files().keySet()));
    }
  }

  @Test
  void fetchesOverHttpsWithBasicAuth() throws Exception {
    String sha = repo();
    try (GitHttpBackend server = new GitHttpBackend(tmp.resolve("srv"), tmp, "ann", "pw");
        GitSource source = new GitSource(config(server.url("jobs.git"),
            new SourceAuth(null, "ann", "pw", null, null)), mirror("m2"))) {
      assertEquals(sha, source.fetch().commit());
    }
  }

  @Test
  void aWrongTokenFailsNamingTheUrlAndNotTheToken() throws Exception {
    repo();
    try (GitHttpBackend server = new GitHttpBackend(tmp.resolve("srv"), tmp, null, "t0ken");
        GitSource source = new GitSource(config(server.url("jobs.git"),
            new SourceAuth("wrong-secret", null, null, null, null)), mirror("m3"))) {
      IOException e = assertThrows(IOException.class, source::fetch);

      assertTrue(e.getMessage().startsWith("fetching " + server.url("jobs.git")), e.getMessage());
      assertFalse(e.getMessage().contains("wrong-secret"), e.getMessage());
    }
  }

  /** A bare repository under srv/ with one job file; returns its head. */
  private String repo() throws Exception {
    Path work = tmp.resolve("work");
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.createDirectories(work.resolve("jobs"));
      Files.writeString(work.resolve("jobs/web.hcl"), "job \"web\" {}");
      git.add().addFilepattern(".").call();
      PersonIdent who = new PersonIdent("Test", "test@localhost");
      String sha = git.commit().setMessage("web").setAuthor(who).setCommitter(who).setSign(false)
          .call().name();
      Git.cloneRepository().setURI(work.toUri().toString()).setBare(true)
          .setDirectory(tmp.resolve("srv/jobs.git").toFile()).call().close();
      return sha;
    }
  }

  /** A mirror that trusts the test's self-signed certificate (only here: sources verify). */
  private Path mirror(String name) throws Exception {
    Path m = tmp.resolve(name);
    try (Git git = Git.init().setBare(true).setDirectory(m.toFile()).call()) {
      StoredConfig c = git.getRepository().getConfig();
      c.setBoolean("http", null, "sslVerify", false);
      c.save();
    }
    return m;
  }

  private static SourceConfig config(String url, SourceAuth auth) {
    return new SourceConfig("t", url, "main", List.of("jobs/**/*.hcl"), null).withAuth(auth);
  }
}
