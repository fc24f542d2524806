package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The group's scratch disk. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EphemeralDisk(
    @JsonProperty("Sticky") boolean sticky,
    @JsonProperty("SizeMB") int sizeMb,
    @JsonProperty("Migrate") boolean migrate) {

  public static EphemeralDisk defaults() {
    return new EphemeralDisk(false, 300, false);
  }
}
