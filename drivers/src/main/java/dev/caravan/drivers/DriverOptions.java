package dev.caravan.drivers;

import java.util.Map;

/**
 * The client's settings for its drivers: whether {@code raw_exec} is enabled (off by default,
 * as in Nomad), whether Docker may run privileged containers ({@code allow_privileged}) and
 * bind host paths ({@code volumes { enabled }}), the Docker endpoint, and per-driver plugin
 * options from the client config.
 */
public record DriverOptions(
    boolean rawExecEnabled,
    boolean dockerAllowPrivileged,
    String dockerHost,
    Map<String, Map<String, String>> pluginOptions,
    boolean dockerVolumesEnabled) {
  public DriverOptions {
    pluginOptions = pluginOptions == null ? Map.of() : Map.copyOf(pluginOptions);
  }

  /** Host volumes off, as Nomad's docker plugin defaults {@code volumes.enabled}. */
  public DriverOptions(boolean rawExecEnabled, boolean dockerAllowPrivileged, String dockerHost,
      Map<String, Map<String, String>> pluginOptions) {
    this(rawExecEnabled, dockerAllowPrivileged, dockerHost, pluginOptions, false);
  }

  public static DriverOptions defaults() {
    return new DriverOptions(false, false, null, Map.of(), false);
  }
}
