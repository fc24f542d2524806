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
    @JsonProperty("PerAlloc") boolean perAlloc,
    @JsonProperty("Sticky") boolean sticky) {

  /** The components before {@code Sticky}, kept for callers written against them. */
  public VolumeRequest(String name, String type, String source, boolean readOnly,
      String accessMode, String attachmentMode, boolean perAlloc) {
    this(name, type, source, readOnly, accessMode, attachmentMode, perAlloc, false);
  }
}
