package dev.caravan.cluster.client;

/** Caravan's version, from the jar manifest when packaged. */
public final class Version {
  public static final String VERSION = resolve();

  private Version() {}

  private static String resolve() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-dev" : v;
  }
}
