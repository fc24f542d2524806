package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/** A deployment's progress for one task group. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeploymentState(
    @JsonProperty("AutoRevert") boolean autoRevert,
    @JsonProperty("AutoPromote") boolean autoPromote,
    @JsonProperty("ProgressDeadline") Duration progressDeadline,
    @JsonProperty("RequireProgressBy") long requireProgressBy,
    @JsonProperty("Promoted") boolean promoted,
    @JsonProperty("PlacedCanaries") List<String> placedCanaries,
    @JsonProperty("DesiredCanaries") int desiredCanaries,
    @JsonProperty("DesiredTotal") int desiredTotal,
    @JsonProperty("PlacedAllocs") int placedAllocs,
    @JsonProperty("HealthyAllocs") int healthyAllocs,
    @JsonProperty("UnhealthyAllocs") int unhealthyAllocs) {

  public DeploymentState {
    placedCanaries = Structs.copy(placedCanaries);
  }
}
