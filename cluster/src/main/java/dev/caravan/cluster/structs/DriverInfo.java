package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** What a client knows of one task driver on its node. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DriverInfo(
    @JsonProperty("Detected") boolean detected,
    @JsonProperty("Healthy") boolean healthy,
    @JsonProperty("HealthDescription") String healthDescription,
    @JsonProperty("Attributes") Map<String, String> attributes,
    @JsonProperty("UpdateTime") long updateTime) {

  public DriverInfo {
    attributes = Structs.copy(attributes);
  }
}
