package dev.caravan.agent;

/**
 * The agent config's {@code plugin "docker" { config { ... } }} block, in Nomad's names:
 * {@code allow_privileged} (tasks may set {@code privileged = true}), {@code volumes { enabled
 * }} (tasks may bind host paths outside their allocation directory) and {@code endpoint} (the
 * engine's address, {@code unix:///var/run/docker.sock} when empty). All off by default.
 */
public record DockerPluginConfig(boolean allowPrivileged, boolean volumesEnabled,
    String endpoint) {
  public static final DockerPluginConfig DEFAULTS = new DockerPluginConfig(false, false, null);

  public DockerPluginConfig {
    endpoint = endpoint == null || endpoint.isBlank() ? null : endpoint;
  }
}
