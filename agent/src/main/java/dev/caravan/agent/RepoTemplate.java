package dev.caravan.agent;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The dev agent's built-in source: {@code repo-template/}. When it is a Git repository it is
 * synced as it is; otherwise it is copied into a repository under the data dir and committed
 * once, so the walk from a commit to a running task works on a fresh checkout.
 */
final class RepoTemplate {
  private RepoTemplate() {}

  /** Returns the URL of a Git repository holding the template on branch {@code main}. */
  static String prepare(Path template, Path dataDir) throws IOException {
    if (Files.isDirectory(template.resolve(".git"))) {
      return template.toUri().toString();
    }
    Path repo = dataDir.resolve("repo-template");
    if (Files.isDirectory(repo.resolve(".git"))) {
      return repo.toUri().toString();
    }
    copy(template, repo);
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      PersonIdent who = new PersonIdent("Caravan", "caravan@localhost");
      git.commit().setMessage("Caravan repo-template").setAuthor(who).setCommitter(who)
          .setSign(false).call();
    } catch (GitAPIException e) {
      throw new IOException("cannot commit repo-template into " + repo + ": " + e.getMessage(), e);
    }
    return repo.toUri().toString();
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
