package dev.caravan.reconciler.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;

/**
 * An Apache MINA sshd server on 127.0.0.1 (random port) serving the bare repositories under a
 * directory to {@code git-upload-pack '/name.git'} and {@code git-receive-pack '/name.git'}
 * with JGit's {@link UploadPack} and {@link ReceivePack}, in-process. Public-key
 * authentication only, with one accepted client key; a generated host key.
 */
final class SshGitServer implements AutoCloseable {
  private final SshServer sshd;
  private final Path root;
  private final KeyPair hostKey;
  private final ExecutorService commands = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-ssh-git");
    t.setDaemon(true);
    return t;
  });

  SshGitServer(Path root, PublicKey clientKey) throws IOException, GeneralSecurityException {
    this.root = root;
    this.hostKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
    sshd = SshServer.setUpDefaultServer();
    sshd.setHost("127.0.0.1");
    sshd.setPort(0);
    sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    sshd.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey));
    sshd.setPasswordAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setCommandFactory((channel, command) -> new GitCommand(command));
    sshd.start();
  }

  String url(String repo) {
    return "ssh://git@127.0.0.1:" + sshd.getPort() + "/" + repo;
  }

  /** The known_hosts line for this server's host key. */
  String knownHostsLine() {
    return "[127.0.0.1]:" + sshd.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic());
  }

  /** Writes {@code key}'s private half as an unencrypted OpenSSH key file. */
  static void writePrivateKey(KeyPair key, Path file) throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "test",
          (OpenSSHKeyEncryptionContext) null, out);
    }
  }

  static KeyPair newKey() throws GeneralSecurityException {
    return KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
  }

  @Override
  public void close() throws Exception {
    sshd.stop(true);
    commands.shutdownNow();
    commands.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** {@code git-upload-pack '/x.git'} or {@code git-receive-pack '/x.git'}. */
  private final class GitCommand implements Command {
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    GitCommand(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
      this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      commands.execute(this::run);
    }

    private void run() {
      int status = 0;
      try {
        String[] parts = command.split(" ", 2);
        String name = parts.length < 2 ? "" : parts[1].replace("'", "").replace("\"", "");
        Path dir = root.resolve(name.startsWith("/") ? name.substring(1) : name).normalize();
        if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
          throw new IOException("no repository " + name);
        }
        try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).build()) {
          switch (parts[0]) {
            case "git-upload-pack" -> new UploadPack(repo).upload(in, out, err);
            case "git-receive-pack" -> new ReceivePack(repo).receive(in, out, err);
            default -> throw new IOException("unsupported command " + parts[0]);
          }
        }
      } catch (IOException | RuntimeException e) {
        status = 1;
        try {
          err.write((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
          err.flush();
        } catch (IOException ignored) {
          // the client went away
        }
      } finally {
        try {
          out.flush();
        } catch (IOException ignored) {
          // the client went away
        }
        exit.onExit(status);
      }
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
