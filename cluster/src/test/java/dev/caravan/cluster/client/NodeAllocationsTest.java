package dev.caravan.cluster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeAllocationsTest {
  private static Allocation alloc(String id, Job job, long modifyIndex) {
    return Allocation.builder().id(id).namespace("default").jobId(job.id()).job(job)
        .nodeId("n1").name(job.id() + ".g[0]").taskGroup("g").desiredStatus("run")
        .clientStatus("pending").modifyIndex(modifyIndex).build();
  }

  @Test
  void theWireSendsEachJobVersionOnceAndPutsItBackOnEveryAllocation() throws Exception {
    Job v1 = Job.builder().id("web").name("web").version(1).jobModifyIndex(5).build();
    Job v2 = v1.toBuilder().version(2).jobModifyIndex(9).build();
    NodeAllocations sent = new NodeAllocations(12, List.of(alloc("a", v1, 10),
        alloc("b", v1, 11), alloc("c", v2, 12)));

    byte[] json = NomadJson.mapper().writeValueAsBytes(sent.toWire());
    NodeAllocations.Wire wire = NomadJson.mapper().readValue(json, NodeAllocations.Wire.class);

    assertEquals(2, wire.jobs().size());
    assertNull(wire.allocs().get(0).job(), "allocations travel without their job");
    NodeAllocations back = wire.toAllocations();
    assertEquals(12, back.index());
    assertEquals(List.of(1L, 1L, 2L), back.allocs().stream().map(Allocation::jobVersion).toList());
    assertEquals(sent.allocs(), back.allocs());
  }

  @Test
  void anAllocationNamingAJobNotSentIsRefused() {
    Job v1 = Job.builder().id("web").name("web").build();
    NodeAllocations.Wire wire = new NodeAllocations.Wire(3,
        List.of(alloc("a", v1, 3).toBuilder().job(null).build()), List.of(), Map.of("a", 0));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        wire::toAllocations);

    assertEquals("AllocJobs: allocation a names job 0 of 0", e.getMessage());
  }

  @Test
  void retriesBackOffByDoublingUpToThirtySeconds() {
    assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30)),
        List.of(ClientAgent.retryDelay(1), ClientAgent.retryDelay(2), ClientAgent.retryDelay(3),
            ClientAgent.retryDelay(6), ClientAgent.retryDelay(7), ClientAgent.retryDelay(1000)));
  }
}
