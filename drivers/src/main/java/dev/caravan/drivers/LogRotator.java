package dev.caravan.drivers;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One stream of a task's output written to rotated files named as Nomad names them:
 * {@code <dir>/<task>.<stream>.<n>}, n from 0 upward. A file rolls over when it reaches
 * {@code maxFileSizeBytes}; only the newest {@code maxFiles} files are kept. Opening resumes at
 * the highest existing index, so a restarted task appends where the last one stopped.
 *
 * <p>Writes go straight to the file (no buffering), so what was written is readable at once.
 */
final class LogRotator extends OutputStream {
  private final Path dir;
  private final String prefix;
  private final int maxFiles;
  private final long maxFileSizeBytes;
  private int index;
  private long size;
  private OutputStream current;
  private boolean closed;

  LogRotator(Path dir, String taskName, String stream, int maxFiles, long maxFileSizeBytes)
      throws IOException {
    if (maxFiles < 1) {
      throw new IllegalArgumentException("maxFiles must be at least 1, got " + maxFiles);
    }
    if (maxFileSizeBytes < 1) {
      throw new IllegalArgumentException(
          "maxFileSizeBytes must be at least 1, got " + maxFileSizeBytes);
    }
    this.dir = Objects.requireNonNull(dir, "dir");
    this.prefix = taskName + "." + stream + ".";
    this.maxFiles = maxFiles;
    this.maxFileSizeBytes = maxFileSizeBytes;
    Files.createDirectories(dir);
    this.index = highestIndex();
    openCurrent();
  }

  /** Opens the {@code stdout} or {@code stderr} stream of a task under its log settings. */
  static LogRotator open(TaskConfig.LogSettings logs, String taskName, String stream)
      throws IOException {
    return new LogRotator(logs.dir(), taskName, stream, logs.maxFiles(), logs.maxFileSizeBytes());
  }

  /** The file currently written to. */
  synchronized Path currentFile() {
    return file(index);
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (closed) {
      throw new IOException("log " + prefix + "* is closed");
    }
    while (length > 0) {
      if (size >= maxFileSizeBytes) {
        rotate();
      }
      int chunk = (int) Math.min(length, maxFileSizeBytes - size);
      current.write(bytes, offset, chunk);
      size += chunk;
      offset += chunk;
      length -= chunk;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      current.close();
    }
  }

  private void rotate() throws IOException {
    current.close();
    index++;
    openCurrent();
    deleteOldFiles();
  }

  private void openCurrent() throws IOException {
    Path file = file(index);
    current =
        Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    size = Files.size(file);
  }

  private void deleteOldFiles() throws IOException {
    int oldestKept = index - maxFiles + 1;
    for (int n : existingIndexes()) {
      if (n < oldestKept) {
        Files.deleteIfExists(file(n));
      }
    }
  }

  private int highestIndex() throws IOException {
    return existingIndexes().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  private List<Integer> existingIndexes() throws IOException {
    Pattern name = Pattern.compile(Pattern.quote(prefix) + "(\\d+)");
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> name.matcher(f.getFileName().toString()))
          .filter(Matcher::matches)
          .map(m -> Integer.parseInt(m.group(1)))
          .toList();
    }
  }

  private Path file(int n) {
    return dir.resolve(prefix + n);
  }
}
