package dev.caravan.reconciler.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSH sources against an Apache MINA sshd server on 127.0.0.1 (public-key auth only, a
 * generated host key) serving a bare repository with JGit's upload and receive packs.
 */
class GitSourceSshTest {
  private static final PersonIdent WHO = new PersonIdent("Test", "test@localhost");

  @TempDir Path tmp;
  private KeyPair clientKey;
  private Path keyFile;
  private Path knownHosts;
  private SshGitServer server;
  private String first;
  private String second;

  @BeforeEach
  void start() throws Exception {
    clientKey = SshGitServer.newKey();
    keyFile = tmp.resolve("id_ecdsa");
    SshGitServer.writePrivateKey(clientKey, keyFile);
    repo();
    server = new SshGitServer(tmp.resolve("srv"), clientKey.getPublic());
    knownHosts = tmp.resolve("known_hosts");
    Files.writeString(knownHosts, server.knownHostsLine() + "\n");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void fetchesOverSshWithTheSourcesKey() throws Exception {
    try (GitSource source = new GitSource(config(keyFile, knownHosts), tmp.resolve("m"))) {
      SourceSnapshot snap = source.fetch();

      assertEquals(second, snap.commit());
      assertEquals("job \"web\" { v = 2 }", snap.files().get("jobs/web.hcl").content());
    }
    try (Stream<Path> home = Files.list(tmp.resolve("m.ssh"))) {
      assertEquals(List.of(), home.toList(), "the source's SSH home stays empty");
    }
    assertEquals(List.of(), sshClientThreadsLeft(), "each fetch's SSH client is stopped");
  }

  /** Live threads of sshd clients, after waiting up to 10 s for them to end. */
  private static List<String> sshClientThreadsLeft() throws InterruptedException {
    List<String> left = List.of();
    for (int i = 0; i < 100; i++) {
      left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
          .map(Thread::getName).filter(n -> n.contains("SshClient")).toList();
      if (left.isEmpty()) {
        return left;
      }
      Thread.sleep(100);
    }
    return left;
  }

  @Test
  void acceptsAHashedKnownHostsEntry() throws Exception {
    byte[] salt = new byte[20];
    new java.security.SecureRandom().nextBytes(salt);
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
    mac.init(new javax.crypto.spec.SecretKeySpec(salt, "HmacSHA1"));
    byte[] hash = mac.doFinal(("[127.0.0.1]:" + port()).getBytes(StandardCharsets.UTF_8));
    Base64.Encoder b64 = Base64.getEncoder();
    String line = server.knownHostsLine();
    Files.writeString(knownHosts, "|1|" + b64.encodeToString(salt) + "|"
        + b64.encodeToString(hash) + line.substring(line.indexOf(' ')) + "\n");

    try (GitSource source = new GitSource(config(keyFile, knownHosts), tmp.resolve("m"))) {
      assertEquals(second, source.fetch().commit());
    }
  }

  @Test
  void aKeyTheServerDoesNotKnowFailsTheFetch() throws Exception {
    Path other = tmp.resolve("other_key");
    SshGitServer.writePrivateKey(SshGitServer.newKey(), other);

    try (GitSource source = new GitSource(config(other, knownHosts), tmp.resolve("m"))) {
      IOException e = assertThrows(IOException.class, source::fetch);

      assertTrue(e.getMessage().startsWith("fetching " + server.url("jobs.git")), e.getMessage());
      assertTrue(e.getMessage().contains("server refused ecdsa-sha2-nistp256 key " + other),
          e.getMessage());
    }
  }

  @Test
  void aHostMissingFromKnownHostsFailsNamingTheSourceAndHost() throws Exception {
    Files.writeString(knownHosts, "[127.0.0.1]:1 "
        + PublicKeyEntry.toString(SshGitServer.newKey().getPublic()) + "\n");

    try (GitSource source = new GitSource(config(keyFile, knownHosts), tmp.resolve("m"))) {
      IOException e = assertThrows(IOException.class, source::fetch);

      assertTrue(e.getMessage().startsWith("source t: host [127.0.0.1]:" + port()
          + " is not in known_hosts_file " + knownHosts), e.getMessage());
    }
  }

  @Test
  void aChangedHostKeyFailsTheFetch() throws Exception {
    Files.writeString(knownHosts, "[127.0.0.1]:" + port() + " "
        + PublicKeyEntry.toString(SshGitServer.newKey().getPublic()) + "\n");

    try (GitSource source = new GitSource(config(keyFile, knownHosts), tmp.resolve("m"))) {
      IOException e = assertThrows(IOException.class, source::fetch);

      assertTrue(e.getMessage().startsWith("source t: the host key of [127.0.0.1]:" + port()
          + " has CHANGED"), e.getMessage());
    }
  }

  @Test
  void aMissingKnownHostsFileFailsBeforeConnecting() throws Exception {
    Path absent = tmp.resolve("absent_known_hosts");

    try (GitSource source = new GitSource(config(keyFile, absent), tmp.resolve("m"))) {
      IOException e = assertThrows(IOException.class, source::fetch);

      assertTrue(e.getMessage().startsWith("source t: known_hosts_file " + absent
          + " does not exist"), e.getMessage());
    }
  }

  @Test
  void revertIsPushedOverSsh() throws Exception {
    try (GitSource source = new GitSource(config(keyFile, knownHosts), tmp.resolve("m"))) {
      String made = source.revert(second, WHO, tmp);

      try (Repository srv = new FileRepositoryBuilder()
          .setGitDir(tmp.resolve("srv/jobs.git").toFile()).build();
          RevWalk walk = new RevWalk(srv)) {
        RevCommit head = walk.parseCommit(srv.resolve("refs/heads/main"));
        assertEquals(made, head.name());
        assertEquals(second, head.getParent(0).name());
        assertEquals(walk.parseCommit(ObjectId.fromString(first)).getTree(), head.getTree());
      }
      assertEquals(made, source.fetch().commit());
    }
  }

  @Test
  void anSshUrlWithoutAKeyIsRefusedByTheConfig() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SourceConfig("t", "git@example.com:ops/jobs.git", "main", null, null));

    assertTrue(e.getMessage().contains("is SSH: set auth { ssh_key_file, known_hosts_file }"),
        e.getMessage());
  }

  @Test
  void aKeyWithAnHttpsUrlIsRefusedByTheConfig() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SourceConfig("t", "https://example.com/ops/jobs.git", "main", null, null)
            .withAuth(new SourceAuth(null, null, null, "/k", "/kh")));

    assertTrue(e.getMessage().contains("ssh_key_file needs an SSH url"), e.getMessage());
  }

  @Test
  void tellsSshUrlsFromOthers() {
    for (String ssh : List.of("ssh://git@h/r.git", "git+ssh://h:2222/r", "git@h:o/r.git",
        "h:o/r.git")) {
      assertTrue(SshTransports.isSshUrl(ssh), ssh);
    }
    for (String other : List.of("https://h/r.git", "git://h/r", "file:///tmp/r", "/tmp/r")) {
      assertTrue(!SshTransports.isSshUrl(other), other);
    }
  }

  private int port() {
    String url = server.url("");
    return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1, url.lastIndexOf('/')));
  }

  private SourceConfig config(Path key, Path known) {
    return new SourceConfig("t", server.url("jobs.git"), "main", List.of("jobs/**/*.hcl"),
        List.of(), null, false, 0.3, true, false, List.of(),
        new SourceAuth(null, null, null, key.toString(), known.toString()));
  }

  /** srv/jobs.git with two commits of jobs/web.hcl. */
  private void repo() throws Exception {
    Path work = tmp.resolve("work");
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.createDirectories(work.resolve("jobs"));
      Files.writeString(work.resolve("jobs/web.hcl"), "job \"web\" { v = 1 }");
      git.add().addFilepattern(".").call();
      first = git.commit().setMessage("web v1").setAuthor(WHO).setCommitter(WHO).setSign(false)
          .call().name();
      Files.writeString(work.resolve("jobs/web.hcl"), "job \"web\" { v = 2 }");
      git.add().addFilepattern(".").call();
      second = git.commit().setMessage("web v2").setAuthor(WHO).setCommitter(WHO).setSign(false)
          .call().name();
      Git.cloneRepository().setURI(work.toUri().toString()).setBare(true)
          .setDirectory(tmp.resolve("srv/jobs.git").toFile()).call().close();
    }
  }
}
