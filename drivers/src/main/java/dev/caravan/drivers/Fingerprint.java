package dev.caravan.drivers;

import java.util.Map;

/**
 * What a driver found on this machine: detected (usable at all), healthy, a description for
 * the node's driver info, and attributes published as {@code driver.<name>.<key>}
 * (for instance {@code version}).
 */
public record Fingerprint(
    boolean detected, boolean healthy, String healthDescription, Map<String, String> attributes) {
  public Fingerprint {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  public static Fingerprint undetected(String why) {
    return new Fingerprint(false, false, why, Map.of());
  }
}
