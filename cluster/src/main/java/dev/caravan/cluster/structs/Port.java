package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A network port: static (in {@code ReservedPorts}, {@code Value} set) or dynamic. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Port(
    @JsonProperty("Label") String label,
    @JsonProperty("Value") int value,
    @JsonProperty("To") int to,
    @JsonProperty("HostNetwork") String hostNetwork) {

  public Port {
    hostNetwork = hostNetwork == null || hostNetwork.isEmpty() ? "default" : hostNetwork;
  }
}
