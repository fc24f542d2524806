package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A placement rule: {@code LTarget Operand RTarget}, as Nomad's constraint block. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Constraint(
    @JsonProperty("LTarget") String lTarget,
    @JsonProperty("RTarget") String rTarget,
    @JsonProperty("Operand") String operand) {

  public Constraint {
    lTarget = lTarget == null ? "" : lTarget;
    rTarget = rTarget == null ? "" : rTarget;
    operand = operand == null || operand.isEmpty() ? "=" : operand;
  }
}
