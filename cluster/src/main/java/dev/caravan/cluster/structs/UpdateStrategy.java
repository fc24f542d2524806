package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** The {@code update} block: how a new job version rolls out. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UpdateStrategy(
    @JsonProperty("Stagger") Duration stagger,
    @JsonProperty("MaxParallel") int maxParallel,
    @JsonProperty("HealthCheck") String healthCheck,
    @JsonProperty("MinHealthyTime") Duration minHealthyTime,
    @JsonProperty("HealthyDeadline") Duration healthyDeadline,
    @JsonProperty("ProgressDeadline") Duration progressDeadline,
    @JsonProperty("AutoRevert") boolean autoRevert,
    @JsonProperty("AutoPromote") boolean autoPromote,
    @JsonProperty("Canary") int canary,
    @JsonProperty("RevertSkipsCanary") boolean revertSkipsCanary) {

  /** Nomad's defaults for a service job's update block (and Caravan's revert_skips_canary). */
  public static UpdateStrategy defaults() {
    return new UpdateStrategy(Duration.ofSeconds(30), 1, "checks", Duration.ofSeconds(10),
        Duration.ofMinutes(5), Duration.ofMinutes(10), false, false, 0, true);
  }
}
