package dev.caravan.cluster.scheduler.feasible;

import dev.caravan.cluster.structs.AllocatedPort;
import dev.caravan.cluster.structs.NetworkResource;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.Port;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Gives a group's ports on one node: static ports ({@code ReservedPorts}) must be free,
 * dynamic ones are picked from {@value #MIN_DYNAMIC}-{@value #MAX_DYNAMIC} avoiding every
 * port in use there (and each other). Random start, linear probe: deterministic for a seeded
 * generator.
 */
final class PortAllocator {
  static final int MIN_DYNAMIC = 20000;
  static final int MAX_DYNAMIC = 32000;

  /** The ports, or null with {@code why[0]} set when the node cannot give them. */
  static List<AllocatedPort> assign(Node node, List<NetworkResource> networks,
      NodeUsage.Slot slot, RandomGenerator random, String[] why) {
    if (networks.isEmpty()) {
      return List.of();
    }
    String ip = hostIp(node);
    BitSet taken = new BitSet();
    if (slot != null && slot.ports != null) {
      taken.or(slot.ports);
    }
    List<AllocatedPort> out = new ArrayList<>();
    for (NetworkResource net : networks) {
      for (Port p : net.reservedPorts()) {
        if (p.value() <= 0 || taken.get(p.value())) {
          why[0] = "network: reserved port collision " + p.label() + "=" + p.value();
          return null;
        }
        taken.set(p.value());
        out.add(new AllocatedPort(p.label(), p.value(), p.to() == -1 ? p.value() : p.to(), ip));
      }
    }
    for (NetworkResource net : networks) {
      for (Port p : net.dynamicPorts()) {
        int span = MAX_DYNAMIC - MIN_DYNAMIC + 1;
        int start = random.nextInt(span);
        int value = -1;
        for (int i = 0; i < span; i++) {
          int candidate = MIN_DYNAMIC + (start + i) % span;
          if (!taken.get(candidate)) {
            value = candidate;
            break;
          }
        }
        if (value < 0) {
          why[0] = "network: dynamic port selection failed";
          return null;
        }
        taken.set(value);
        out.add(new AllocatedPort(p.label(), value, p.to() == -1 ? value : p.to(), ip));
      }
    }
    return out;
  }

  private static String hostIp(Node node) {
    String ip = node.attributes().get("unique.network.ip-address");
    if (ip != null && !ip.isBlank()) {
      return ip;
    }
    String http = node.httpAddr();
    if (http != null && http.contains(":")) {
      return http.substring(0, http.lastIndexOf(':'));
    }
    return "127.0.0.1";
  }
}
