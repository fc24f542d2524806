package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** A group's {@code migrate} block: how allocations leave a draining node. Service jobs only. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MigrateStrategy(
    @JsonProperty("MaxParallel") int maxParallel,
    @JsonProperty("HealthCheck") String healthCheck,
    @JsonProperty("MinHealthyTime") Duration minHealthyTime,
    @JsonProperty("HealthyDeadline") Duration healthyDeadline) {

  /** Nomad's default for service jobs. */
  public static MigrateStrategy defaults() {
    return new MigrateStrategy(1, "checks", Duration.ofSeconds(10), Duration.ofMinutes(5));
  }
}
