package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** One earlier reschedule of an allocation's lineage. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RescheduleEvent(
    @JsonProperty("RescheduleTime") long rescheduleTime,
    @JsonProperty("PrevAllocID") String prevAllocId,
    @JsonProperty("PrevNodeID") String prevNodeId,
    @JsonProperty("Delay") Duration delay) {
}
