package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** What the scheduler set aside for an allocation on its node. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AllocatedResources(
    @JsonProperty("Tasks") Map<String, Resources> tasks,
    @JsonProperty("Ports") List<AllocatedPort> ports,
    @JsonProperty("DiskMB") int diskMb) {

  public AllocatedResources {
    tasks = Structs.copy(tasks);
    ports = Structs.copy(ports);
  }

  /** Total MHz of CPU over all tasks. */
  public int cpu() {
    int sum = 0;
    for (Resources r : tasks.values()) {
      sum += r.cpu();
    }
    return sum;
  }

  /** Total MiB of memory over all tasks. */
  public int memoryMb() {
    int sum = 0;
    for (Resources r : tasks.values()) {
      sum += r.memoryMb();
    }
    return sum;
  }
}
