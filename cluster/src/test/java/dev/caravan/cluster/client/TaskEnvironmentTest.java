package dev.caravan.cluster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskEnvironmentTest {
  @Test
  void interpolatesNomadVariablesInNestedConfigAndKeepsUnknownOnes() {
    Map<String, String> env = Map.of("NOMAD_ALLOC_ID", "a1", "NOMAD_PORT_http", "20001");
    Map<String, Object> config = Map.of(
        "command", "/bin/echo",
        "args", List.of("${NOMAD_ALLOC_ID}", "port=${NOMAD_PORT_http}", "${attr.kernel.name}"),
        "nested", Map.of("x", "${env.NOMAD_ALLOC_ID}"));

    Map<String, Object> out = TaskEnvironment.interpolate(config, env);

    assertEquals(List.of("a1", "port=20001", "${attr.kernel.name}"), out.get("args"));
    assertEquals(Map.of("x", "a1"), out.get("nested"));
    assertEquals("/bin/echo", out.get("command"));
  }

  @Test
  void allocationStatusFollowsItsTasks() {
    var running = new dev.caravan.cluster.structs.TaskState("running", false, 0, 0, 1, 0, List.of());
    var done = new dev.caravan.cluster.structs.TaskState("dead", false, 0, 0, 1, 2, List.of());
    var failed = new dev.caravan.cluster.structs.TaskState("dead", true, 0, 0, 1, 2, List.of());

    assertEquals("running", AllocRunner.clientStatus(Map.of("a", running, "b", done)));
    assertEquals("complete", AllocRunner.clientStatus(Map.of("a", done, "b", done)));
    assertEquals("failed", AllocRunner.clientStatus(Map.of("a", failed, "b", done)));
  }
}
