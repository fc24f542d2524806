package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a dispatched job's payload is written, relative to the task's local dir. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DispatchPayload(
    @JsonProperty("File") String file) {
}
