package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The reschedule history an allocation inherits from its predecessors. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RescheduleTracker(
    @JsonProperty("Events") List<RescheduleEvent> events) {

  public RescheduleTracker {
    events = Structs.copy(events);
  }
}
