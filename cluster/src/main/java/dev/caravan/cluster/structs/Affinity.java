package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A placement preference with a weight from -100 to 100. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Affinity(
    @JsonProperty("LTarget") String lTarget,
    @JsonProperty("RTarget") String rTarget,
    @JsonProperty("Operand") String operand,
    @JsonProperty("Weight") int weight) {

  public Affinity {
    operand = operand == null || operand.isEmpty() ? "=" : operand;
  }
}
