package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** How a client restarts a failed task: attempts within an interval, then fail or delay. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RestartPolicy(
    @JsonProperty("Attempts") int attempts,
    @JsonProperty("Interval") Duration interval,
    @JsonProperty("Delay") Duration delay,
    @JsonProperty("Mode") String mode,
    @JsonProperty("RenderTemplates") boolean renderTemplates) {

  public static final String MODE_FAIL = "fail";
  public static final String MODE_DELAY = "delay";

  /** Nomad's default for service and system jobs. */
  public static RestartPolicy serviceDefaults() {
    return new RestartPolicy(2, Duration.ofMinutes(30), Duration.ofSeconds(15), MODE_FAIL, false);
  }

  /** Nomad's default for batch and sysbatch jobs. */
  public static RestartPolicy batchDefaults() {
    return new RestartPolicy(3, Duration.ofHours(24), Duration.ofSeconds(15), MODE_FAIL, false);
  }
}
