package dev.caravan.reconciler.git;

import java.util.Map;

/**
 * The job files of one commit of a source: the commit's sha, author and message, and every
 * file matching the source's globs with its blob id (for incremental re-parsing) and content.
 */
public record SourceSnapshot(String commit, String author, String message, long commitTime,
    Map<String, File> files) {

  public SourceSnapshot {
    files = Map.copyOf(files);
  }

  /** One job file: its blob id and its text. */
  public record File(String blobId, String content) {}
}
