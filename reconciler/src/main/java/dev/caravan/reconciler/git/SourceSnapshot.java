package dev.caravan.reconciler.git;

import java.util.Map;

/**
 * The job files of one commit of a source: the commit's sha, author, message and time (Unix
 * millis), every file matching the source's globs with its blob id (for incremental
 * re-parsing) and content, and the contents of its variable files (absent ones left out).
 */
public record SourceSnapshot(String commit, String author, String message, long commitTime,
    Map<String, File> files, Map<String, String> varFiles) {

  public SourceSnapshot {
    files = Map.copyOf(files);
    varFiles = varFiles == null ? Map.of() : Map.copyOf(varFiles);
  }

  public SourceSnapshot(String commit, String author, String message, long commitTime,
      Map<String, File> files) {
    this(commit, author, message, commitTime, files, Map.of());
  }

  /** One job file: its blob id and its text (null when it is larger than the limit). */
  public record File(String blobId, String content) {}
}
