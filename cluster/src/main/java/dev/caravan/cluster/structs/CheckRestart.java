package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** A check's {@code check_restart} block: restart the task after this many failed checks. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CheckRestart(
    @JsonProperty("Limit") int limit,
    @JsonProperty("Grace") Duration grace,
    @JsonProperty("IgnoreWarnings") boolean ignoreWarnings) {
}
