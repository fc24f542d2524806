package dev.caravan.reconciler.git;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * SSH for one source through JGit's Apache MINA sshd transport: public-key authentication
 * with the source's {@code ssh_key_file} only, and strict host key checking against its
 * {@code known_hosts_file} ({@link KnownHostsCheck}). The session factory's home and
 * {@code .ssh} directories are a private, empty directory of the source's own, so nothing of
 * the user's {@code ~/.ssh} (config, keys, known_hosts) and no ssh-agent is ever used.
 *
 * <p>Every transport command of a source goes through {@link #callback()}, also for sources
 * without SSH auth: an SSH URL reached without a key fails instead of falling back to JGit's
 * default factory, which would read {@code ~/.ssh}.
 */
final class SshTransports implements AutoCloseable {
  private static final Set<String> SSH_SCHEMES = Set.of("ssh", "ssh+git", "git+ssh");

  private final String source;
  private final SourceAuth auth;
  private final Path home;
  private final KnownHostsCheck hostKeys;
  private SshdSessionFactory factory;

  /**
   * @param home a directory private to this source (created on first use, mode 700); it stays
   *     empty
   */
  SshTransports(String source, SourceAuth auth, Path home) {
    this.source = source;
    this.auth = auth;
    this.home = home;
    this.hostKeys = auth.knownHostsFile() == null ? null
        : new KnownHostsCheck(source, Path.of(auth.knownHostsFile()));
  }

  /** True for {@code ssh://} URLs and scp-like {@code user@host:path} ones. */
  static boolean isSshUrl(String url) {
    if (url == null || url.isBlank()) {
      return false;
    }
    try {
      URIish u = new URIish(url);
      String scheme = u.getScheme();
      if (scheme != null) {
        return SSH_SCHEMES.contains(scheme.toLowerCase(Locale.ROOT));
      }
      return u.getHost() != null && !url.contains("://");
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /**
   * Sets this source's session factory on SSH transports; other transports are left alone.
   * Throws (wrapped by the command) when an SSH transport is used without a key.
   */
  TransportConfigCallback callback() {
    return transport -> {
      if (transport instanceof SshTransport ssh) {
        try {
          ssh.setSshSessionFactory(factory());
        } catch (IOException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      }
    };
  }

  /**
   * Checks the key and known_hosts files before connecting, so that a missing file is named
   * as such rather than as an authentication or host key failure.
   *
   * @throws IOException naming the source and the file
   */
  void checkFiles() throws IOException {
    if (auth.sshKeyFile() == null) {
      return;
    }
    Path key = Path.of(auth.sshKeyFile());
    if (!Files.isRegularFile(key) || !Files.isReadable(key)) {
      throw new IOException("source " + source + ": ssh_key_file " + key
          + " does not exist or is not readable");
    }
    Path known = Path.of(auth.knownHostsFile());
    if (!Files.isRegularFile(known) || !Files.isReadable(known)) {
      throw new IOException("source " + source + ": known_hosts_file " + known
          + " does not exist or is not readable (host keys are always checked: create it with"
          + " the server's host key, for example with ssh-keyscan)");
    }
  }

  /**
   * The reason the last connection's host key was refused, naming the source, host and file;
   * null when no key was refused since the last call.
   */
  String takeHostKeyRejection() {
    return hostKeys == null ? null : hostKeys.takeRejection();
  }

  private synchronized SshdSessionFactory factory() throws IOException {
    if (auth.sshKeyFile() == null) {
      throw new IOException("source " + source + ": an SSH URL needs auth { ssh_key_file,"
          + " known_hosts_file }");
    }
    if (factory == null) {
      createPrivateDir(home);
      File dir = home.toFile();
      Path key = Path.of(auth.sshKeyFile()).toAbsolutePath();
      Path known = Path.of(auth.knownHostsFile()).toAbsolutePath();
      factory = new SshdSessionFactoryBuilder()
          .setHomeDirectory(dir)
          .setSshDirectory(dir)
          .setConfigFile(ssh -> new File(dir, "config-unused"))
          .setDefaultIdentities(ssh -> List.of(key))
          .setDefaultKnownHostsFiles(ssh -> List.of(known))
          .setServerKeyDatabase((h, s) -> hostKeys)
          .setPreferredAuthentications("publickey")
          .setConnectorFactory(null)
          .build(null);
    }
    return factory;
  }

  private static void createPrivateDir(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir);
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the data dir's own permissions apply
    }
  }

  @Override
  public synchronized void close() {
    if (factory != null) {
      factory.close();
      factory = null;
    }
  }
}
