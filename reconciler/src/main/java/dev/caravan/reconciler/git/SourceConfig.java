package dev.caravan.reconciler.git;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Git repository Caravan syncs and how: its URL, the branch (or full ref such as
 * {@code refs/tags/prod}) it tracks, the path globs of its job files (relative to the
 * repository root, {@code jobs/**}{@code /*.hcl}) and the globs it excludes, the poll interval
 * (jittered by the scheduler), whether jobs deleted from Git are pruned (and the largest share
 * of the source's jobs one pass may prune), whether drift is healed, whether live group counts
 * are kept, the variable files every job file is parsed with, and credentials.
 *
 * @throws IllegalArgumentException from the constructor on a bad name, interval or fraction,
 *     or when the URL and the auth disagree (an SSH URL needs a key, a key needs an SSH URL)
 */
public record SourceConfig(String name, String url, String branch, List<String> paths,
    List<String> exclude, Duration interval, boolean prune, double maxPruneFraction,
    boolean selfHeal, boolean preserveCounts, List<String> varFiles, SourceAuth auth) {

  public static final double DEFAULT_MAX_PRUNE_FRACTION = 0.3;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  public SourceConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("source name \"" + name
          + "\": use letters, digits, '.', '_' and '-' (at most 128)");
    }
    if (url.isBlank()) {
      throw new IllegalArgumentException("source " + name + ": url is required");
    }
    branch = branch == null || branch.isBlank() ? "main" : branch;
    paths = paths == null || paths.isEmpty() ? List.of("jobs/**/*.hcl") : List.copyOf(paths);
    exclude = exclude == null ? List.of() : List.copyOf(exclude);
    interval = interval == null ? Duration.ofSeconds(60) : interval;
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("source " + name + ": interval must be positive");
    }
    if (!(maxPruneFraction >= 0 && maxPruneFraction <= 1)) {
      throw new IllegalArgumentException("source " + name
          + ": max_prune_fraction must be between 0 and 1, got " + maxPruneFraction);
    }
    varFiles = varFiles == null ? List.of() : List.copyOf(varFiles);
    auth = auth == null ? SourceAuth.NONE : auth;
    boolean ssh = SshTransports.isSshUrl(url);
    if (ssh && auth.sshKeyFile() == null) {
      throw new IllegalArgumentException("source " + name + ": url " + url + " is SSH: set auth"
          + " { ssh_key_file, known_hosts_file } (host keys are always checked)");
    }
    if (!ssh && auth.sshKeyFile() != null) {
      throw new IllegalArgumentException("source " + name + ": auth ssh_key_file needs an SSH"
          + " url (ssh://user@host/path or user@host:path), got " + url);
    }
  }

  /** A source with the defaults: no prune (guard 0.3), self-heal on, Git's counts, no auth. */
  public SourceConfig(String name, String url, String branch, List<String> paths,
      Duration interval) {
    this(name, url, branch, paths, List.of(), interval, false, DEFAULT_MAX_PRUNE_FRACTION, true,
        false, List.of(), SourceAuth.NONE);
  }

  /** The full ref fetched: {@code refs/heads/<branch>} unless the branch is already a ref. */
  public String trackedRef() {
    return branch.startsWith("refs/") ? branch : "refs/heads/" + branch;
  }

  public SourceConfig withPrune(boolean prune, double maxPruneFraction) {
    return new SourceConfig(name, url, branch, paths, exclude, interval, prune, maxPruneFraction,
        selfHeal, preserveCounts, varFiles, auth);
  }

  public SourceConfig withSelfHeal(boolean selfHeal) {
    return new SourceConfig(name, url, branch, paths, exclude, interval, prune, maxPruneFraction,
        selfHeal, preserveCounts, varFiles, auth);
  }

  public SourceConfig withPreserveCounts(boolean preserveCounts) {
    return new SourceConfig(name, url, branch, paths, exclude, interval, prune, maxPruneFraction,
        selfHeal, preserveCounts, varFiles, auth);
  }

  public SourceConfig withVarFiles(List<String> varFiles) {
    return new SourceConfig(name, url, branch, paths, exclude, interval, prune, maxPruneFraction,
        selfHeal, preserveCounts, varFiles, auth);
  }

  public SourceConfig withAuth(SourceAuth auth) {
    return new SourceConfig(name, url, branch, paths, exclude, interval, prune, maxPruneFraction,
        selfHeal, preserveCounts, varFiles, auth);
  }
}
