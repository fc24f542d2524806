package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A group's {@code volume} block. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VolumeRequest(
    @JsonProperty("Name") String name,
    @JsonProperty("Type") String type,
    @JsonProperty("Source") String source,
    @JsonProperty("ReadOnly") boolean readOnly,
    @JsonProperty("AccessMode") String accessMode,
    @JsonProperty("AttachmentMode") String attachmentMode,
    @JsonProperty("PerAlloc") boolean perAlloc) {
}
