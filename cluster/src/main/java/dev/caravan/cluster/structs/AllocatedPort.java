package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A port given to an allocation: label, host value, mapped-to value, host IP. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AllocatedPort(
    @JsonProperty("Label") String label,
    @JsonProperty("Value") int value,
    @JsonProperty("To") int to,
    @JsonProperty("HostIP") String hostIp) {
}
