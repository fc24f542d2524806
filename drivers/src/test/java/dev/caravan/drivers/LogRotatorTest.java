package dev.caravan.drivers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRotatorTest {
  @TempDir Path dir;

  @Test
  void writesToIndexZeroFirst() throws IOException {
    try (LogRotator log = new LogRotator(dir, "web", "stdout", 3, 100)) {
      log.write("hello\n".getBytes(UTF_8));
    }

    assertEquals(List.of("web.stdout.0"), fileNames());
    assertEquals("hello\n", read("web.stdout.0"));
  }

  @Test
  void rollsOverAtMaxFileSizeSplittingALargeWrite() throws IOException {
    try (LogRotator log = new LogRotator(dir, "web", "stdout", 5, 4)) {
      log.write("abcdefghij".getBytes(UTF_8));
    }

    assertEquals(List.of("web.stdout.0", "web.stdout.1", "web.stdout.2"), fileNames());
    assertEquals("abcd", read("web.stdout.0"));
    assertEquals("efgh", read("web.stdout.1"));
    assertEquals("ij", read("web.stdout.2"));
  }

  @Test
  void keepsOnlyTheNewestMaxFiles() throws IOException {
    try (LogRotator log = new LogRotator(dir, "web", "stderr", 2, 2)) {
      for (String s : List.of("aa", "bb", "cc", "dd", "e")) {
        log.write(s.getBytes(UTF_8));
      }
    }

    assertEquals(List.of("web.stderr.3", "web.stderr.4"), fileNames());
    assertEquals("dd", read("web.stderr.3"));
    assertEquals("e", read("web.stderr.4"));
  }

  @Test
  void reopeningAppendsToTheHighestExistingFile() throws IOException {
    try (LogRotator log = new LogRotator(dir, "web", "stdout", 3, 4)) {
      log.write("abcdef".getBytes(UTF_8));
    }

    try (LogRotator log = new LogRotator(dir, "web", "stdout", 3, 4)) {
      log.write("gh".getBytes(UTF_8));
      assertEquals(dir.resolve("web.stdout.1"), log.currentFile());
    }

    assertEquals("efgh", read("web.stdout.1"));
  }

  @Test
  void streamsOfOtherTasksAreLeftAlone() throws IOException {
    Files.writeString(dir.resolve("api.stdout.0"), "other");

    try (LogRotator log = new LogRotator(dir, "web", "stdout", 1, 1)) {
      log.write("xyz".getBytes(UTF_8));
    }

    assertEquals(List.of("api.stdout.0", "web.stdout.2"), fileNames());
  }

  @Test
  void writingAfterCloseFails() throws IOException {
    LogRotator log = new LogRotator(dir, "web", "stdout", 1, 10);
    log.close();

    IOException e = assertThrows(IOException.class, () -> log.write(1));

    assertEquals("log web.stdout.* is closed", e.getMessage());
  }

  @Test
  void rejectsZeroMaxFiles() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new LogRotator(dir, "web", "stdout", 0, 10));

    assertEquals("maxFiles must be at least 1, got 0", e.getMessage());
  }

  private List<String> fileNames() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private String read(String name) throws IOException {
    return Files.readString(dir.resolve(name), UTF_8);
  }
}
