package dev.caravan.reconciler.sync;

import dev.caravan.cluster.structs.GitSourceSpec;
import dev.caravan.reconciler.git.SourceAuth;
import dev.caravan.reconciler.git.SourceConfig;
import java.time.Duration;

/** Converts run-time sources between the replicated {@link GitSourceSpec} and {@link SourceConfig}. */
public final class SourceSpecs {
  private SourceSpecs() {}

  public static GitSourceSpec toSpec(SourceConfig c) {
    SourceAuth a = c.auth();
    return new GitSourceSpec(c.name(), c.url(), c.branch(), c.paths(), c.exclude(),
        c.interval().toNanos(), c.prune(), c.maxPruneFraction(), c.selfHeal(), c.preserveCounts(),
        c.varFiles(), a.token(), a.username(), a.password(), a.sshKeyFile(), a.knownHostsFile(), 0);
  }

  /** @throws IllegalArgumentException when the spec is not a valid source */
  public static SourceConfig fromSpec(GitSourceSpec s) {
    return new SourceConfig(s.name(), s.url(), s.branch(), s.paths(), s.exclude(),
        s.intervalNanos() <= 0 ? null : Duration.ofNanos(s.intervalNanos()), s.prune(),
        s.maxPruneFraction(), s.selfHeal(), s.preserveCounts(), s.varFiles(),
        new SourceAuth(s.token(), s.username(), s.password(), s.sshKeyFile(), s.knownHostsFile()));
  }
}
