package dev.caravan.cluster.client;

import dev.caravan.drivers.DriverOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A client agent's settings: where it keeps allocation directories and its node identity,
 * how it describes its node (name, datacenter, class, pool, meta), its driver options, and how
 * often it fingerprints its drivers again.
 */
public record ClientConfig(
    Path dataDir,
    String nodeName,
    String datacenter,
    String nodeClass,
    String nodePool,
    Map<String, String> meta,
    DriverOptions driverOptions,
    Duration fingerprintInterval) {

  /** How often drivers are fingerprinted again unless configured: Nomad's 30 seconds. */
  public static final Duration DEFAULT_FINGERPRINT_INTERVAL = Duration.ofSeconds(30);

  public ClientConfig(Path dataDir, String nodeName, String datacenter, String nodeClass,
      String nodePool, Map<String, String> meta, DriverOptions driverOptions) {
    this(dataDir, nodeName, datacenter, nodeClass, nodePool, meta, driverOptions, null);
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
