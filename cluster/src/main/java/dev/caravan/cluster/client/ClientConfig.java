package dev.caravan.cluster.client;

import dev.caravan.drivers.DriverOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A client agent's settings: where it keeps allocation directories and its node identity,
 * how it describes its node (name, datacenter, class, pool, meta), its driver options, how
 * often it fingerprints its drivers again, and the {@code host:port} of the HTTP API its agent
 * serves (Nomad's {@code Node.HTTPAddr}: where the servers forward log reads; null for none).
 */
public record ClientConfig(
    Path dataDir,
    String nodeName,
    String datacenter,
    String nodeClass,
    String nodePool,
    Map<String, String> meta,
    DriverOptions driverOptions,
    Duration fingerprintInterval,
    String httpAddr) {

  /** How often drivers are fingerprinted again unless configured: Nomad's 30 seconds. */
  public static final Duration DEFAULT_FINGERPRINT_INTERVAL = Duration.ofSeconds(30);

  public ClientConfig(Path dataDir, String nodeName, String datacenter, String nodeClass,
      String nodePool, Map<String, String> meta, DriverOptions driverOptions) {
    this(dataDir, nodeName, datacenter, nodeClass, nodePool, meta, driverOptions, null, null);
  }

  public ClientConfig(Path dataDir, String nodeName, String datacenter, String nodeClass,
      String nodePool, Map<String, String> meta, DriverOptions driverOptions,
      Duration fingerprintInterval) {
    this(dataDir, nodeName, datacenter, nodeClass, nodePool, meta, driverOptions,
        fingerprintInterval, null);
  }

  /** This config with the node advertising {@code httpAddr} ({@code host:port}). */
  public ClientConfig withHttpAddr(String httpAddr) {
    return new ClientConfig(dataDir, nodeName, datacenter, nodeClass, nodePool, meta,
        driverOptions, fingerprintInterval, httpAddr);
  }

  public ClientConfig {
    datacenter = datacenter == null ? "dc1" : datacenter;
    nodeClass = nodeClass == null ? "" : nodeClass;
    nodePool = nodePool == null ? "default" : nodePool;
    meta = meta == null ? Map.of() : Map.copyOf(meta);
    driverOptions = driverOptions == null ? DriverOptions.defaults() : driverOptions;
    fingerprintInterval = fingerprintInterval == null || fingerprintInterval.isZero()
        || fingerprintInterval.isNegative() ? DEFAULT_FINGERPRINT_INTERVAL : fingerprintInterval;
  }
}
