package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** An allocation's health as its deployment sees it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AllocDeploymentStatus(
    @JsonProperty("Healthy") Boolean healthy,
    @JsonProperty("Timestamp") long timestamp,
    @JsonProperty("Canary") boolean canary,
    @JsonProperty("ModifyIndex") long modifyIndex) {
}
