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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    return fingerprint(config, drivers, nowNanos, null, null);
  }

  /**
   * Describes the node, waiting at most {@code wait} (null: as long as it takes) for the
   * drivers' fingerprints, which run in parallel. A driver not done by then is listed as
   * undetected ("fingerprinting"), and {@code whenLate} runs once it is done, so the caller can
   * fingerprint again and update the node, as Nomad's client detects drivers in the background.
   */
  static Node fingerprint(ClientConfig config, Map<String, TaskDriver> drivers, long nowNanos,
      Duration wait, Runnable whenLate) throws IOException {
    Map<String, Fingerprint> found = fingerprintDrivers(drivers, wait, whenLate);
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
      Fingerprint fp = found.get(d.name());
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
        .httpAddr(config.httpAddr())
        .attributes(attrs)
        .meta(config.meta())
        .nodeResources(new NodeResources(mhz, cores, (int) memMb, (int) Math.min(diskMb, Integer.MAX_VALUE)))
        .drivers(driverInfo)
        .build();
  }

  private static Map<String, Fingerprint> fingerprintDrivers(Map<String, TaskDriver> drivers,
      Duration wait, Runnable whenLate) {
    Map<String, CompletableFuture<Fingerprint>> running = new TreeMap<>();
    for (TaskDriver d : drivers.values()) {
      CompletableFuture<Fingerprint> fp = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        try {
          fp.complete(d.fingerprint());
        } catch (RuntimeException e) {
          fp.complete(Fingerprint.undetected("fingerprint failed: " + e.getMessage()));
        }
      }, "fingerprint-" + d.name());
      t.setDaemon(true);
      t.start();
      running.put(d.name(), fp);
    }
    long deadline = wait == null ? Long.MAX_VALUE : System.nanoTime() + wait.toNanos();
    Map<String, Fingerprint> out = new TreeMap<>();
    List<CompletableFuture<Fingerprint>> late = new ArrayList<>();
    for (Map.Entry<String, CompletableFuture<Fingerprint>> e : running.entrySet()) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        out.put(e.getKey(), wait == null ? e.getValue().get()
            : e.getValue().get(left, TimeUnit.NANOSECONDS));
      } catch (TimeoutException pending) {
        out.put(e.getKey(), new Fingerprint(false, false, "fingerprinting", Map.of()));
        late.add(e.getValue());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        out.put(e.getKey(), Fingerprint.undetected("fingerprint interrupted"));
      } catch (ExecutionException ee) {
        out.put(e.getKey(), Fingerprint.undetected("fingerprint failed: " + ee.getMessage()));
      }
    }
    if (!late.isEmpty() && whenLate != null) {
      CompletableFuture.allOf(late.toArray(CompletableFuture[]::new)).thenRun(whenLate);
    }
    return out;
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
