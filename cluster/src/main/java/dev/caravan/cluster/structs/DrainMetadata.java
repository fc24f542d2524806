package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Nomad's {@code LastDrain} of a node: when the latest drain started, when it last changed and
 * how it ended ({@code draining}, {@code complete}, {@code canceled}). Times are Unix nanos.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrainMetadata(
    @JsonProperty("StartedAt") long startedAt,
    @JsonProperty("UpdatedAt") long updatedAt,
    @JsonProperty("Status") String status) {

  public static final String DRAINING = "draining";
  public static final String COMPLETE = "complete";
  public static final String CANCELED = "canceled";
}
