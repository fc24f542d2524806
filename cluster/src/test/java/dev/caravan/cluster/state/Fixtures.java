package dev.caravan.cluster.state;

import dev.caravan.cluster.structs.DriverInfo;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.NodeResources;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import java.util.List;
import java.util.Map;

/** Small jobs and nodes for tests. */
public final class Fixtures {
  private Fixtures() {}

  public static Job job(String id, int count) {
    return job(id, count, 100, 128);
  }

  public static Job job(String id, int count, int cpu, int memory) {
    return Job.builder().id(id).datacenters(List.of("*"))
        .taskGroups(List.of(TaskGroup.builder().name("web").count(count)
            .tasks(List.of(Task.builder().name("server").driver("mock")
                .resources(new Resources(cpu, 0, memory, 0, 0)).build()))
            .build()))
        .build();
  }

  public static Node node(String id, int cpu, int memory) {
    return Node.builder().id(id).name(id).datacenter("dc1")
        .nodeResources(new NodeResources(cpu, 4, memory, 10_000))
        .drivers(Map.of("mock", new DriverInfo(true, true, "ok", Map.of(), 0)))
        .build();
  }
}
