package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A task's {@code volume_mount} block: where a group volume appears inside the task. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VolumeMount(
    @JsonProperty("Volume") String volume,
    @JsonProperty("Destination") String destination,
    @JsonProperty("ReadOnly") boolean readOnly,
    @JsonProperty("PropagationMode") String propagationMode) {

  public VolumeMount {
    propagationMode = propagationMode == null || propagationMode.isEmpty() ? "private" : propagationMode;
  }
}
