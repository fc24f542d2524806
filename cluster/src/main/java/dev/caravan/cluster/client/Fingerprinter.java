package dev.caravan.cluster.client;

import dev.caravan.cluster.structs.DriverInfo;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.NodeResources;
import dev.caravan.drivers.Fingerprint;
import dev.caravan.drivers.TaskDriver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Describes this machine as a {@link Node}: attributes, capacity, drivers, identity. */
final class Fingerprinter {
  /** Per-core MHz used when the kernel does not tell (no /proc/cpuinfo MHz line). */
  private static final int DEFAULT_MHZ_PER_CORE = 2000;

  private Fingerprinter() {}

  static Node fingerprint(ClientConfig config, Map<String, TaskDriver> drivers, long nowNanos)
      throws IOException {
    String id = uniqueId(config.dataDir());
    int cores = Runtime.getRuntime().availableProcessors();
    int mhz = cores * cpuMhzPerCore();
    long memMb = totalMemoryMb();
    long diskMb = config.dataDir().toFile().getUsableSpace() / (1024 * 1024);
    String hostname = hostname();

    Map<String, String> attrs = new TreeMap<>();
    attrs.put("kernel.name", System.getProperty("os.name").toLowerCase(Locale.ROOT));
    attrs.put("kernel.version", System.getProperty("os.version"));
    attrs.put("os.name", System.getProperty("os.name").toLowerCase(Locale.ROOT));
    attrs.put("cpu.arch", System.getProperty("os.arch"));
    attrs.put("cpu.numcores", Integer.toString(cores));
    attrs.put("cpu.totalcompute", Integer.toString(mhz));
    attrs.put("memory.totalbytes", Long.toString(memMb * 1024 * 1024));
    attrs.put("unique.hostname", hostname);
    attrs.put("unique.id", id);
    attrs.put("nomad.version", "1.9.0");
    attrs.put("caravan.version", Version.VERSION);

    Map<String, DriverInfo> driverInfo = new TreeMap<>();
    for (TaskDriver d : drivers.values()) {
      Fingerprint fp = d.fingerprint();
      driverInfo.put(d.name(), new DriverInfo(fp.detected(), fp.healthy(), fp.healthDescription(),
          fp.attributes(), nowNanos));
      if (fp.detected()) {
        attrs.put("driver." + d.name(), "1");
        fp.attributes().forEach((k, v) -> attrs.put("driver." + d.name() + "." + k, v));
      }
    }
    String name = config.nodeName() == null ? hostname : config.nodeName();
    return Node.builder()
        .id(id)
        .secretId(UUID.nameUUIDFromBytes(("secret-" + id).getBytes()).toString())
        .name(name)
        .datacenter(config.datacenter())
        .nodeClass(config.nodeClass())
        .nodePool(config.nodePool())
        .attributes(attrs)
        .meta(config.meta())
        .nodeResources(new NodeResources(mhz, cores, (int) memMb, (int) Math.min(diskMb, Integer.MAX_VALUE)))
        .drivers(driverInfo)
        .build();
  }

  /**
   * True when two fingerprints found the same: attributes, and each driver's detection, health
   * and attributes (the times they were taken aside).
   */
  static boolean sameFindings(Node a, Node b) {
    return a.attributes().equals(b.attributes()) && findings(a).equals(findings(b));
  }

  private static Map<String, DriverInfo> findings(Node n) {
    Map<String, DriverInfo> out = new TreeMap<>();
    n.drivers().forEach((name, d) -> out.put(name,
        new DriverInfo(d.detected(), d.healthy(), d.healthDescription(), d.attributes(), 0)));
    return out;
  }

  /** The node id, made once and kept in the data dir so restarts keep their identity. */
  static String uniqueId(Path dataDir) throws IOException {
    Path file = dataDir.resolve("client-id");
    if (Files.exists(file)) {
      return Files.readString(file).trim();
    }
    Files.createDirectories(dataDir);
    String id = UUID.randomUUID().toString();
    Files.writeString(file, id);
    return id;
  }

  private static int cpuMhzPerCore() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("cpu MHz")) {
          return (int) Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an unexpected format: fall back
    }
    return DEFAULT_MHZ_PER_CORE;
  }

  private static long totalMemoryMb() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getTotalMemorySize() / (1024 * 1024);
    }
    return 1024;
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
