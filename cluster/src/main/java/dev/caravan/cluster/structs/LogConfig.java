package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code logs} block: how many rotated files of what size. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LogConfig(
    @JsonProperty("MaxFiles") int maxFiles,
    @JsonProperty("MaxFileSizeMB") int maxFileSizeMb,
    @JsonProperty("Disabled") boolean disabled) {

  public static LogConfig defaults() {
    return new LogConfig(10, 10, false);
  }
}
