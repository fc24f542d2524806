package dev.caravan.reconciler.git;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A Git repository Caravan syncs: its URL, the branch it tracks, the path globs of its job
 * files (relative to the repository root, {@code jobs/**}{@code /*.hcl}), and the poll interval.
 */
public record SourceConfig(String name, String url, String branch, List<String> paths,
    Duration interval) {

  public SourceConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    branch = branch == null || branch.isBlank() ? "main" : branch;
    paths = paths == null || paths.isEmpty() ? List.of("jobs/**/*.hcl") : List.copyOf(paths);
    interval = interval == null ? Duration.ofSeconds(60) : interval;
  }
}
