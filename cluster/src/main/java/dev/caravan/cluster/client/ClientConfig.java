package dev.caravan.cluster.client;

import dev.caravan.drivers.DriverOptions;
import java.nio.file.Path;
import java.util.Map;

/**
 * A client agent's settings: where it keeps allocation directories and its node identity,
 * how it describes its node (name, datacenter, class, pool, meta), and its driver options.
 */
public record ClientConfig(
    Path dataDir,
    String nodeName,
    String datacenter,
    String nodeClass,
    String nodePool,
    Map<String, String> meta,
    DriverOptions driverOptions) {

  public ClientConfig {
    datacenter = datacenter == null ? "dc1" : datacenter;
    nodeClass = nodeClass == null ? "" : nodeClass;
    nodePool = nodePool == null ? "default" : nodePool;
    meta = meta == null ? Map.of() : Map.copyOf(meta);
    driverOptions = driverOptions == null ? DriverOptions.defaults() : driverOptions;
  }
}
