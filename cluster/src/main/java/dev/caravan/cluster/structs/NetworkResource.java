package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A group's {@code network} block. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NetworkResource(
    @JsonProperty("Mode") String mode,
    @JsonProperty("Device") String device,
    @JsonProperty("CIDR") String cidr,
    @JsonProperty("IP") String ip,
    @JsonProperty("MBits") int mbits,
    @JsonProperty("ReservedPorts") List<Port> reservedPorts,
    @JsonProperty("DynamicPorts") List<Port> dynamicPorts,
    @JsonProperty("Hostname") String hostname) {

  public NetworkResource {
    mode = mode == null || mode.isEmpty() ? "host" : mode;
    reservedPorts = Structs.copy(reservedPorts);
    dynamicPorts = Structs.copy(dynamicPorts);
  }

  /** The components before {@code Hostname}, kept for callers written against them. */
  public NetworkResource(String mode, String device, String cidr, String ip, int mbits,
      List<Port> reservedPorts, List<Port> dynamicPorts) {
    this(mode, device, cidr, ip, mbits, reservedPorts, dynamicPorts, null);
  }
}
