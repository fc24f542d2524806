package dev.caravan.reconciler.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Fetches a source with JGit into a bare mirror under the agent's data dir and reads the job
 * files of its branch head. Nothing is checked out; files are read from the object database.
 */
public final class GitSource implements AutoCloseable {
  /** Job files larger than this are refused rather than read into memory. */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  private final SourceConfig config;
  private final Path mirror;
  private final List<PathMatcher> matchers;
  private Git git;

  public GitSource(SourceConfig config, Path mirror) {
    this.config = config;
    this.mirror = mirror;
    this.matchers = matchers(config.paths());
  }

  /**
   * Fetches the tracked branch and returns its head's job files.
   *
   * @throws IOException when the repository cannot be reached or read; the message names the URL
   */
  public synchronized SourceSnapshot fetch() throws IOException {
    String ref = "refs/heads/" + config.branch();
    try {
      if (git == null) {
        git = Files.isDirectory(mirror.resolve("objects")) ? Git.open(mirror.toFile()) : init();
      }
      git.fetch().setRemote(config.url())
          .setRefSpecs(new RefSpec("+" + ref + ":" + ref))
          .setRemoveDeletedRefs(true)
          .call();
    } catch (GitAPIException | RuntimeException e) {
      throw new IOException("fetching " + config.url() + " (" + config.branch() + "): "
          + e.getMessage(), e);
    }
    Repository repo = git.getRepository();
    ObjectId head = repo.resolve(ref);
    if (head == null) {
      throw new IOException("branch " + config.branch() + " not found in " + config.url());
    }
    return read(repo, head);
  }

  private Git init() throws GitAPIException, IOException {
    Files.createDirectories(mirror);
    return Git.init().setBare(true).setDirectory(mirror.toFile()).call();
  }

  private SourceSnapshot read(Repository repo, ObjectId head) throws IOException {
    try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
      RevCommit commit = walk.parseCommit(head);
      tree.addTree(commit.getTree());
      tree.setRecursive(true);
      Map<String, SourceSnapshot.File> files = new TreeMap<>();
      while (tree.next()) {
        String path = tree.getPathString();
        if (!matches(path)) {
          continue;
        }
        ObjectId blob = tree.getObjectId(0);
        ObjectLoader loader = repo.open(blob);
        if (loader.getSize() > MAX_FILE_BYTES) {
          files.put(path, new SourceSnapshot.File(blob.name(), null));
          continue;
        }
        files.put(path, new SourceSnapshot.File(blob.name(),
            new String(loader.getBytes(), StandardCharsets.UTF_8)));
      }
      return new SourceSnapshot(commit.name(), commit.getAuthorIdent().getName(),
          commit.getShortMessage(), commit.getCommitTime() * 1000L, files);
    }
  }

  boolean matches(String path) {
    Path p = Path.of(path);
    for (PathMatcher m : matchers) {
      if (m.matches(p)) {
        return true;
      }
    }
    return false;
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
    if (git != null) {
      git.close();
      git = null;
    }
  }
}
