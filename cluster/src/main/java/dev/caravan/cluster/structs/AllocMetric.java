package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** Why a group could (not) be placed: nodes evaluated, filtered and exhausted, by reason. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AllocMetric(
    @JsonProperty("NodesEvaluated") int nodesEvaluated,
    @JsonProperty("NodesFiltered") int nodesFiltered,
    @JsonProperty("NodesAvailable") Map<String, Integer> nodesAvailable,
    @JsonProperty("ClassFiltered") Map<String, Integer> classFiltered,
    @JsonProperty("ConstraintFiltered") Map<String, Integer> constraintFiltered,
    @JsonProperty("NodesExhausted") int nodesExhausted,
    @JsonProperty("ClassExhausted") Map<String, Integer> classExhausted,
    @JsonProperty("DimensionExhausted") Map<String, Integer> dimensionExhausted,
    @JsonProperty("CoalescedFailures") int coalescedFailures) {

  public AllocMetric {
    nodesAvailable = Structs.copy(nodesAvailable);
    classFiltered = Structs.copy(classFiltered);
    constraintFiltered = Structs.copy(constraintFiltered);
    classExhausted = Structs.copy(classExhausted);
    dimensionExhausted = Structs.copy(dimensionExhausted);
  }
}
