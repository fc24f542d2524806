package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** How the servers replace a failed allocation on another node. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReschedulePolicy(
    @JsonProperty("Attempts") int attempts,
    @JsonProperty("Interval") Duration interval,
    @JsonProperty("Delay") Duration delay,
    @JsonProperty("DelayFunction") String delayFunction,
    @JsonProperty("MaxDelay") Duration maxDelay,
    @JsonProperty("Unlimited") boolean unlimited) {

  /** Nomad's default for service jobs: unlimited, exponential from 30s to 1h. */
  public static ReschedulePolicy serviceDefaults() {
    return new ReschedulePolicy(0, Duration.ZERO, Duration.ofSeconds(30), "exponential",
        Duration.ofHours(1), true);
  }

  /** Nomad's default for batch jobs: one attempt a day, constant 5s delay. */
  public static ReschedulePolicy batchDefaults() {
    return new ReschedulePolicy(1, Duration.ofHours(24), Duration.ofSeconds(5), "constant",
        Duration.ZERO, false);
  }
}
