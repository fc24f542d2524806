package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** What a task asks for: MHz of CPU (or whole cores), MiB of memory. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Resources(
    @JsonProperty("CPU") int cpu,
    @JsonProperty("Cores") int cores,
    @JsonProperty("MemoryMB") int memoryMb,
    @JsonProperty("MemoryMaxMB") int memoryMaxMb,
    @JsonProperty("DiskMB") int diskMb) {

  /** Nomad's defaults: 100 MHz, 300 MiB. */
  public static Resources defaults() {
    return new Resources(100, 0, 300, 0, 0);
  }
}
