package dev.caravan.cluster.server;

import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.structs.Job;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRegisterBatchTest {

  @Test
  void registersInOrderInOneWriteEachWithItsOwnCheckAndSetAndEvaluation(@TempDir Path dir)
      throws Exception {
    String addr = "127.0.0.1:" + freePort();
    try (ClusterServer server = ClusterServer.start(ServerConfig.singleNode("s1", dir, addr))) {
      ClusterServerTest.awaitLeader(server);
      server.registerJob(new Cluster.JobRegisterRequest(Fixtures.job("b", 1), false, 0));
      long before = server.state().index();

      List<Cluster.BatchOutcome> out = server.registerJobs(List.of(
          new Cluster.JobRegisterRequest(Fixtures.job("a", 1), true, 0),
          new Cluster.JobRegisterRequest(Fixtures.job("b", 2), true, 0),
          new Cluster.JobRegisterRequest(Fixtures.job("c", 1).toBuilder().taskGroups(List.of())
              .build(), true, 0),
          new Cluster.JobRegisterRequest(Fixtures.job("d", 3), true, 0)));

      assertEquals(List.of(200, 409, 400, 200), out.stream().map(Cluster.BatchOutcome::status).toList());
      assertEquals("job already exists (enforce index 0 means it must not exist)", out.get(1).message());
      Job a = server.state().job("default", "a").orElseThrow();
      Job d = server.state().job("default", "d").orElseThrow();
      assertEquals(a.jobModifyIndex(), d.jobModifyIndex(), "one Raft write for the batch");
      assertTrue(a.jobModifyIndex() > before);
      assertEquals(1, server.state().job("default", "b").orElseThrow().taskGroups().get(0).count());
      assertTrue(server.state().eval(out.get(3).result().evalId()).isPresent());
    }
  }
}
