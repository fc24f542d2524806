package dev.caravan.cluster.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for tests to listen on, chosen below the kernel's ephemeral range. A port the
 * kernel hands out for port 0 comes from the same range as the local ports of outgoing
 * connections, so between the test choosing it and a server binding it, any connection (a Raft
 * peer's, an HTTP client's) could take it. Below the range only a listener can, and this JVM
 * never hands out the same port twice.
 */
public final class LoopbackPorts {
  private static final int LOW = 10_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
  private static final int HIGH = ephemeralStart();

  private LoopbackPorts() {}

  /** A loopback port nothing listens on now, never returned before in this JVM. */
  public static int freePort() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(loopback, port), 1);
        return port;
      } catch (IOException taken) {
        // in use by something else: try another
      }
    }
    throw new IOException("no free loopback port in " + LOW + "-" + HIGH);
  }

  /** The first port of the kernel's ephemeral range (Linux's default when unreadable). */
  private static int ephemeralStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int start = Integer.parseInt(range.split("\\s+")[0]);
      return start > LOW + 1_000 ? start : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
