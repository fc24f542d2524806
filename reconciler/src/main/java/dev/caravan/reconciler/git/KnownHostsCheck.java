package dev.caravan.reconciler.git;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * Strict host key checking against one source's {@code known_hosts_file}: a server key is
 * accepted only when the file lists it for the host (plain, {@code [host]:port} or hashed
 * entries); an unknown host, a changed key or a {@code @revoked} key is refused, never asked
 * about and never written back. The file is read again at every connection, so an edited
 * file takes effect at the next fetch.
 *
 * <p>sshd reports a refusal only as "Server key did not validate"; the reason, naming the
 * source, the host and the file, is kept in {@link #takeRejection()} for the fetch's error.
 */
final class KnownHostsCheck implements ServerKeyDatabase {
  private final String source;
  private final Path file;
  private final AtomicReference<String> rejection = new AtomicReference<>();

  KnownHostsCheck(String source, Path file) {
    this.source = source;
    this.file = file;
  }

  /** The reason of the last refusal since the last call, or null. */
  String takeRejection() {
    return rejection.getAndSet(null);
  }

  @Override
  public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress,
      Configuration config) {
    HostPort at = HostPort.parse(connectAddress);
    List<PublicKey> keys = new ArrayList<>();
    try {
      for (KnownHostEntry e : KnownHostEntry.readKnownHostEntries(file)) {
        if (e.getMarker() == null && e.isHostMatch(at.host(), at.port())) {
          PublicKey k = key(e);
          if (k != null) {
            keys.add(k);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // accept() reports the unreadable file
    }
    return keys;
  }

  @Override
  public boolean accept(String connectAddress, InetSocketAddress remoteAddress,
      PublicKey serverKey, Configuration config, CredentialsProvider provider) {
    HostPort at = HostPort.parse(connectAddress);
    List<KnownHostEntry> entries;
    try {
      entries = KnownHostEntry.readKnownHostEntries(file);
    } catch (IOException | RuntimeException e) {
      return refuse("cannot read known_hosts_file " + file + ": " + e.getMessage());
    }
    boolean hostListed = false;
    boolean matched = false;
    for (KnownHostEntry e : entries == null ? List.<KnownHostEntry>of() : entries) {
      if (!e.isHostMatch(at.host(), at.port())) {
        continue;
      }
      PublicKey k = key(e);
      String marker = e.getMarker();
      if ("revoked".equals(marker) && k != null && KeyUtils.compareKeys(k, serverKey)) {
        return refuse("the host key of " + connectAddress + " (" + describe(serverKey)
            + ") is marked @revoked in known_hosts_file " + file);
      }
      if (marker != null) {
        continue; // @cert-authority: host certificates are not accepted
      }
      hostListed = true;
      matched |= k != null && KeyUtils.compareKeys(k, serverKey);
    }
    if (matched) {
      return true;
    }
    if (hostListed) {
      return refuse("the host key of " + connectAddress + " has CHANGED: the server offered "
          + describe(serverKey) + ", which known_hosts_file " + file + " does not list for it"
          + " (a man-in-the-middle, or the host was re-keyed: check the new key with the"
          + " host's owner before updating the file)");
    }
    return refuse("host " + connectAddress + " is not in known_hosts_file " + file
        + " (the server offered " + describe(serverKey) + "); host keys are always checked:"
        + " add the host's key, for example with ssh-keyscan" + portFlag(at) + " " + at.host()
        + ", after checking its fingerprint");
  }

  private boolean refuse(String reason) {
    rejection.set("source " + source + ": " + reason);
    return false;
  }

  private static PublicKey key(KnownHostEntry e) {
    try {
      return e.getKeyEntry() == null ? null
          : e.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
    } catch (IOException | GeneralSecurityException | RuntimeException ex) {
      return null;
    }
  }

  private static String describe(PublicKey key) {
    return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
  }

  private static String portFlag(HostPort at) {
    return at.port() == 22 ? "" : " -p " + at.port();
  }

  /** {@code host} (port 22) or {@code [host]:port}, as known_hosts writes them. */
  record HostPort(String host, int port) {
    static HostPort parse(String address) {
      if (address.startsWith("[")) {
        int close = address.indexOf("]:");
        if (close > 0) {
          try {
            return new HostPort(address.substring(1, close),
                Integer.parseInt(address.substring(close + 2)));
          } catch (NumberFormatException e) {
            // fall through: treated as a host name
          }
        }
      }
      return new HostPort(address, 22);
    }
  }
}
