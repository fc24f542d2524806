package dev.caravan.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The data dir of a {@code -dev} agent started without {@code -data-dir}: created for the run and
 * removed when the agent stops, as Nomad's dev mode keeps its state in memory only. Each run used
 * to leave its Raft log, snapshots, task directories and repository clones behind in /tmp.
 */
final class TemporaryDataDir {
  private TemporaryDataDir() {}

  static Path create() throws IOException {
    return Files.createTempDirectory("caravan-dev-");
  }

  /**
   * Removes {@code dir} and everything under it, deepest first. Symbolic links are removed, never
   * followed. Best effort (the agent is stopping): what cannot be removed is left, and reported.
   */
  static void remove(Path dir) {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    } catch (IOException e) {
      System.err.println("caravan: could not remove the dev data dir " + dir + ": " + e);
      return;
    }
    int left = 0;
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        left++;
      }
    }
    if (left > 0) {
      System.err.println("caravan: " + left + " files left in the dev data dir " + dir);
    }
  }
}
