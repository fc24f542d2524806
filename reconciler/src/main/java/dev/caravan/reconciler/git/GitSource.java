package dev.caravan.reconciler.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.RevertCommand;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Fetches a source with JGit into a bare mirror under the agent's data dir and reads the job
 * files of a commit. Nothing is checked out; files are read from the object database.
 *
 * <p>Reads are incremental: given the snapshot of an earlier commit, only the paths the tree
 * diff between the two commits names are read again; every other file is carried over.
 */
public final class GitSource implements AutoCloseable {
  /** Job files larger than this are refused rather than read into memory. */
  static final long MAX_FILE_BYTES = 1024 * 1024;
  private static final String PLAN_REFS = "refs/caravan/plan/";

  private final SourceConfig config;
  private final Path mirror;
  private final List<PathMatcher> matchers;
  private final List<PathMatcher> excludes;
  private final SshTransports ssh;
  private Git git;

  /**
   * @param mirror the bare mirror's directory; an SSH source also keeps an empty private
   *     directory beside it ({@code <mirror>.ssh}) as its SSH home
   */
  public GitSource(SourceConfig config, Path mirror) {
    this.config = config;
    this.mirror = mirror;
    this.matchers = matchers(config.paths());
    this.excludes = matchers(config.exclude());
    this.ssh = new SshTransports(config.name(), config.auth(),
        mirror.toAbsolutePath().resolveSibling(mirror.getFileName() + ".ssh"));
  }

  /**
   * Fetches the tracked ref and returns its head's job files, reading again only what changed
   * since {@code previous} (may be null).
   *
   * @throws IOException when the repository cannot be reached or read; the message names the URL
   */
  public synchronized SourceSnapshot fetch(SourceSnapshot previous) throws IOException {
    String ref = config.trackedRef();
    fetchRefSpecs(List.of(new RefSpec("+" + ref + ":" + ref)));
    Repository repo = git.getRepository();
    ObjectId head = repo.resolve(ref);
    if (head == null) {
      throw new IOException("branch " + config.branch() + " not found in " + config.url());
    }
    return read(repo, head, previous);
  }

  /** {@link #fetch(SourceSnapshot)} with nothing to reuse. */
  public SourceSnapshot fetch() throws IOException {
    return fetch(null);
  }

  /**
   * Fetches every branch and tag and returns the job files of {@code ref}: a branch, a tag, a
   * full ref or a commit sha (abbreviated or not). For plans: the tracked ref is not moved.
   */
  public synchronized SourceSnapshot fetchRef(String ref) throws IOException {
    List<RefSpec> specs = new java.util.ArrayList<>(List.of(
        new RefSpec("+refs/heads/*:" + PLAN_REFS + "heads/*"),
        new RefSpec("+refs/tags/*:" + PLAN_REFS + "tags/*")));
    // a pull or merge request's head (refs/pull/7/head, refs/merge-requests/7/head) is fetched
    // by name: it is under neither heads nor tags
    String other = "";
    if (ref.startsWith("refs/") && !ref.startsWith("refs/heads/") && !ref.startsWith("refs/tags/")) {
      if (!Repository.isValidRefName(ref)) {
        throw new IOException("not a valid ref name: " + ref);
      }
      other = PLAN_REFS + "other/" + ref.substring("refs/".length());
      specs.add(new RefSpec("+" + ref + ":" + other));
    }
    fetchRefSpecs(specs);
    Repository repo = git.getRepository();
    ObjectId id = null;
    for (String candidate : List.of(other, PLAN_REFS + "heads/" + ref, PLAN_REFS + "tags/" + ref,
        ref.startsWith("refs/heads/") ? PLAN_REFS + "heads/" + ref.substring(11) : "",
        ref.startsWith("refs/tags/") ? PLAN_REFS + "tags/" + ref.substring(10) : "", ref)) {
      if (!candidate.isEmpty() && (id = resolveCommit(repo, candidate)) != null) {
        break;
      }
    }
    if (id == null) {
      throw new IOException("ref " + ref + " not found in " + config.url());
    }
    return read(repo, id, null);
  }

  private static ObjectId resolveCommit(Repository repo, String rev) {
    try {
      return repo.resolve(rev + "^{commit}");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private void fetchRefSpecs(List<RefSpec> specs) throws IOException {
    try {
      if (git == null) {
        git = Files.isDirectory(mirror.resolve("objects")) ? Git.open(mirror.toFile()) : init();
      }
      checkSsh();
      authenticate(git.fetch().setRemote(config.url()).setRefSpecs(specs)
          .setRemoveDeletedRefs(true)).call();
    } catch (GitAPIException | RuntimeException e) {
      throw failure("fetching " + config.url() + " (" + config.branch() + ")", e);
    }
  }

  private void checkSsh() throws IOException {
    ssh.takeHostKeyRejection();
    if (SshTransports.isSshUrl(config.url())) {
      ssh.checkFiles();
    }
  }

  /**
   * The error of a failed transport command: a refused host key is reported with its reason
   * (sshd itself only says the key "did not validate").
   */
  private IOException failure(String what, Exception e) {
    String hostKey = ssh.takeHostKeyRejection();
    if (hostKey != null) {
      return new IOException(hostKey + " (" + what + ")", e);
    }
    return new IOException(what + ": " + e.getMessage(), e);
  }

  /**
   * The blob id of {@code path} at {@code commit}, or empty when the commit is not in the
   * mirror or has no such file. Used to tell Git's changes from drift.
   */
  public synchronized Optional<String> blobAt(String commit, String path) {
    if (git == null || commit == null || path == null) {
      return Optional.empty();
    }
    Repository repo = git.getRepository();
    try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
      ObjectId id = repo.resolve(commit);
      if (id == null) {
        return Optional.empty();
      }
      RevCommit c = walk.parseCommit(id);
      try (TreeWalk tw = TreeWalk.forPath(reader, path, c.getTree())) {
        return tw == null ? Optional.empty() : Optional.of(tw.getObjectId(0).name());
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Sets the source's credentials on a transport command, and its own SSH session factory
   * (never JGit's default one, which reads {@code ~/.ssh}).
   */
  <C extends TransportCommand<C, ?>> C authenticate(C command) {
    command.setTransportConfigCallback(ssh.callback());
    SourceAuth auth = config.auth();
    if (auth.token() != null) {
      command.setCredentialsProvider(
          new UsernamePasswordCredentialsProvider("x-access-token", auth.token()));
    } else if (auth.username() != null) {
      command.setCredentialsProvider(
          new UsernamePasswordCredentialsProvider(auth.username(), auth.password()));
    }
    return command;
  }

  private Git init() throws GitAPIException, IOException {
    Files.createDirectories(mirror);
    return Git.init().setBare(true).setDirectory(mirror.toFile()).call();
  }

  /**
   * Reads a commit's files with one {@link ObjectReader} (its inflater and window cursor are
   * reused from blob to blob, which a {@code repo.open} per blob would not).
   */
  private SourceSnapshot read(Repository repo, ObjectId head, SourceSnapshot previous)
      throws IOException {
    try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
      RevCommit commit = walk.parseCommit(head);
      Map<String, SourceSnapshot.File> files;
      if (previous != null && previous.commit().equals(commit.name())) {
        files = previous.files();
      } else {
        RevCommit base = previous == null ? null : parseOrNull(walk, previous.commit());
        files = base == null ? readAll(reader, commit)
            : readChanged(reader, base, commit, previous);
      }
      Map<String, String> vars = new TreeMap<>();
      for (String varFile : config.varFiles()) {
        try (TreeWalk tw = TreeWalk.forPath(reader, varFile, commit.getTree())) {
          if (tw != null) {
            vars.put(varFile, new String(reader.open(tw.getObjectId(0)).getBytes(),
                StandardCharsets.UTF_8));
          }
        }
      }
      return new SourceSnapshot(commit.name(), commit.getAuthorIdent().getName(),
          commit.getShortMessage(), commit.getCommitTime() * 1000L, files, vars);
    }
  }

  private static RevCommit parseOrNull(RevWalk walk, String sha) {
    try {
      return walk.parseCommit(ObjectId.fromString(sha));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private Map<String, SourceSnapshot.File> readAll(ObjectReader reader, RevCommit commit)
      throws IOException {
    Map<String, SourceSnapshot.File> files = new HashMap<>();
    try (TreeWalk tree = new TreeWalk(reader)) {
      tree.addTree(commit.getTree());
      tree.setRecursive(true);
      while (tree.next()) {
        String path = tree.getPathString();
        if (matches(path)) {
          files.put(path, file(reader, tree.getObjectId(0)));
        }
      }
    }
    return files;
  }

  /** The tree diff of two commits: only added, changed and deleted paths are visited. */
  private Map<String, SourceSnapshot.File> readChanged(ObjectReader reader, RevCommit base,
      RevCommit commit, SourceSnapshot previous) throws IOException {
    Map<String, SourceSnapshot.File> files = new HashMap<>(previous.files());
    try (TreeWalk tree = new TreeWalk(reader)) {
      tree.addTree(base.getTree());
      tree.addTree(commit.getTree());
      tree.setRecursive(true);
      tree.setFilter(TreeFilter.ANY_DIFF);
      while (tree.next()) {
        String path = tree.getPathString();
        if (!matches(path)) {
          continue;
        }
        ObjectId now = tree.getObjectId(1);
        if (now.equals(ObjectId.zeroId()) || tree.getRawMode(1) == 0) {
          files.remove(path);
        } else {
          files.put(path, file(reader, now));
        }
      }
    }
    return files;
  }

  private static SourceSnapshot.File file(ObjectReader reader, ObjectId blob)
      throws IOException {
    ObjectLoader loader = reader.open(blob);
    if (loader.getSize() > MAX_FILE_BYTES) {
      return new SourceSnapshot.File(blob.name(), null);
    }
    return new SourceSnapshot.File(blob.name(),
        new String(loader.getBytes(), StandardCharsets.UTF_8));
  }

  boolean matches(String path) {
    Path p = Path.of(path);
    return anyMatch(matchers, p) && !anyMatch(excludes, p);
  }

  private static boolean anyMatch(List<PathMatcher> list, Path p) {
    for (PathMatcher m : list) {
      if (m.matches(p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Makes a commit that reverts {@code commit} on the tracked branch and pushes it to the
   * source's URL with its credentials; returns the new commit's sha.
   *
   * @throws IOException when the commit is unknown, the revert conflicts, or the push is
   *     refused (every ref update's status is checked: a refused push does not throw in JGit)
   */
  public synchronized String revert(String commit, PersonIdent author, Path workDir)
      throws IOException {
    Path work = workDir.resolve("revert-" + System.nanoTime());
    String branch = config.trackedRef().startsWith("refs/heads/")
        ? config.trackedRef().substring("refs/heads/".length()) : null;
    if (branch == null) {
      throw new IOException("source " + config.name() + " tracks " + config.branch()
          + ", not a branch: nothing to push a revert to");
    }
    checkSsh();
    try (Git clone = authenticate(Git.cloneRepository().setURI(config.url())
        .setDirectory(work.toFile()).setBranch(branch)).call()) {
      ObjectId id = clone.getRepository().resolve(commit + "^{commit}");
      if (id == null) {
        throw new IOException("commit " + commit + " not found on " + config.branch());
      }
      RevertCommand revert = clone.revert().include(id).setOurCommitName("HEAD");
      RevCommit made = revert.call();
      if (made == null || revert.getFailingResult() != null
          || (revert.getUnmergedPaths() != null && !revert.getUnmergedPaths().isEmpty())) {
        throw new IOException("revert of " + commit + " conflicts: "
            + revert.getUnmergedPaths() + "; revert it by hand");
      }
      if (author != null) {
        made = clone.commit().setAmend(true).setAuthor(author).setCommitter(author)
            .setMessage(made.getFullMessage()).setSign(false).call();
      }
      Iterable<PushResult> results = authenticate(clone.push().setRemote("origin")
          .setRefSpecs(new RefSpec("HEAD:refs/heads/" + branch))).call();
      for (PushResult r : results) {
        for (RemoteRefUpdate u : r.getRemoteUpdates()) {
          if (u.getStatus() != RemoteRefUpdate.Status.OK
              && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
            throw new IOException("push of the revert to " + config.url() + " refused: "
                + u.getStatus() + (u.getMessage() == null ? "" : " " + u.getMessage()));
          }
        }
      }
      return made.name();
    } catch (GitAPIException | RuntimeException e) {
      throw failure("reverting " + commit + " in " + config.url(), e);
    } finally {
      deleteTree(work);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp dir is harmless
    }
  }

  /**
   * Globs as users write them: {@code jobs/**}{@code /*.hcl} also matches {@code jobs/a.hcl}
   * (Java's glob wants at least one directory for {@code **}{@code /}).
   */
  private static List<PathMatcher> matchers(List<String> globs) {
    List<PathMatcher> out = new ArrayList<>();
    for (String g : globs) {
      out.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
      if (g.contains("**/")) {
        out.add(FileSystems.getDefault().getPathMatcher("glob:" + g.replace("**/", "")));
      }
    }
    return out;
  }

  @Override
  public synchronized void close() {
    ssh.close();
    if (git != null) {
      git.close();
      git = null;
    }
  }
}
