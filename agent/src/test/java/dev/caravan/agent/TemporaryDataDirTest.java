package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporaryDataDirTest {

  @Test
  void removingTheDevDataDirRemovesItsTreeButNotWhatItsLinksPointTo(@TempDir Path outside)
      throws Exception {
    Path kept = Files.writeString(outside.resolve("kept.txt"), "not the agent's");
    Path dir = TemporaryDataDir.create();
    Files.createDirectories(dir.resolve("server/raft/group"));
    Files.writeString(dir.resolve("server/raft/group/log_0-10"), "entries");
    Files.createDirectories(dir.resolve("client/alloc/a1/task"));
    Files.createSymbolicLink(dir.resolve("client/alloc/a1/task/link"), outside);

    TemporaryDataDir.remove(dir);

    assertFalse(Files.exists(dir));
    assertTrue(dir.getFileName().toString().startsWith("caravan-dev-"));
    assertEquals("not the agent's", Files.readString(kept));
  }
}
