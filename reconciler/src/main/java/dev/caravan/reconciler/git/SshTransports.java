package dev.caravan.reconciler.git;

import org.eclipse.jgit.api.TransportConfigCallback;

/**
 * SSH with a key and a known_hosts file goes through JGit's Apache MINA sshd transport
 * ({@code org.eclipse.jgit.ssh.apache}), which this build does not bundle yet: a source with
 * {@code ssh_key_file} fails its fetch with a message saying so rather than falling back to
 * an unchecked host key.
 */
final class SshTransports {
  private SshTransports() {}

  static TransportConfigCallback callback(SourceAuth auth) {
    return transport -> {
      throw new IllegalStateException("ssh_key_file " + auth.sshKeyFile()
          + ": SSH sources need org.eclipse.jgit.ssh.apache, which this build does not include");
    };
  }
}
