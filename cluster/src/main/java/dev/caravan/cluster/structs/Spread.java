package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Spread allocations over the values of a node attribute. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Spread(
    @JsonProperty("Attribute") String attribute,
    @JsonProperty("Weight") int weight,
    @JsonProperty("SpreadTarget") List<SpreadTarget> spreadTarget) {

  public Spread {
    spreadTarget = Structs.copy(spreadTarget);
  }

  /** A desired share of allocations for one attribute value. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SpreadTarget(
      @JsonProperty("Value") String value, @JsonProperty("Percent") int percent) {}
}
