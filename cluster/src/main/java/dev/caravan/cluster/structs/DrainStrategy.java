package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** A node drain: allocations migrate away until the deadline. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrainStrategy(
    @JsonProperty("Deadline") Duration deadline,
    @JsonProperty("IgnoreSystemJobs") boolean ignoreSystemJobs,
    @JsonProperty("ForceDeadline") long forceDeadline,
    @JsonProperty("StartedAt") long startedAt) {
}
