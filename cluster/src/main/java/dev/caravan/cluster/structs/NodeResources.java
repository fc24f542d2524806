package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A node's capacity: total MHz of CPU, cores, memory and disk in MiB. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeResources(
    @JsonProperty("CpuShares") int cpuShares,
    @JsonProperty("TotalCpuCores") int totalCpuCores,
    @JsonProperty("MemoryMB") int memoryMb,
    @JsonProperty("DiskMB") int diskMb) {
}
