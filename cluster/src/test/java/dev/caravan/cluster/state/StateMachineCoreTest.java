package dev.caravan.cluster.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateMachineCoreTest {

  private static Evaluation eval(String id, String jobId) {
    return Evaluation.builder().id(id).jobId(jobId).type("service")
        .triggeredBy(Evaluation.TRIGGER_JOB_REGISTER).build();
  }

  private static StateImage register(StateImage s, long index, Job job) {
    return StateMachineCore.apply(s, index,
        new Command.JobRegister(job, false, 0, eval("e" + index, job.id()), 1000L * index));
  }

  @Test
  void registeringANewJobCreatesVersionZeroAndItsEval() {
    StateImage s = register(StateImage.EMPTY, 5, Fixtures.job("web", 3));

    Job job = s.job("default", "web").orElseThrow();
    assertEquals(0, job.version());
    assertEquals(5, job.createIndex());
    assertEquals(5, job.jobModifyIndex());
    assertEquals(Job.STATUS_PENDING, job.status());
    assertEquals(5, s.eval("e5").orElseThrow().createIndex());
    assertEquals(5, s.eval("e5").orElseThrow().jobModifyIndex());
    assertEquals(5, s.index());
  }

  @Test
  void changedSpecBumpsVersionButSameSpecOnlyTouchesModifyIndex() {
    StateImage s = register(StateImage.EMPTY, 1, Fixtures.job("web", 3));

    s = register(s, 2, Fixtures.job("web", 3));
    assertEquals(0, s.job("default", "web").orElseThrow().version());
    assertEquals(1, s.job("default", "web").orElseThrow().jobModifyIndex());
    assertEquals(2, s.job("default", "web").orElseThrow().modifyIndex());

    s = register(s, 3, Fixtures.job("web", 1));
    assertEquals(1, s.job("default", "web").orElseThrow().version());
    assertEquals(3, s.job("default", "web").orElseThrow().jobModifyIndex());
    assertEquals(2, s.jobVersions("default", "web").size());
  }

  @Test
  void keepsOnlySixVersions() {
    StateImage s = StateImage.EMPTY;
    for (int i = 1; i <= 9; i++) {
      s = register(s, i, Fixtures.job("web", i));
    }

    List<Job> versions = s.jobVersions("default", "web");
    assertEquals(6, versions.size());
    assertEquals(8, versions.get(0).version());
    assertEquals(3, versions.get(5).version());
  }

  @Test
  void reapedEvaluationsLeaveTheStateAndItsIndexes() {
    StateImage s = register(StateImage.EMPTY, 1, Fixtures.job("web", 1));
    s = register(s, 2, Fixtures.job("web", 2));
    s = StateMachineCore.apply(s, 3, new Command.EvalUpsert(List.of(eval("e1", "web").toBuilder()
        .namespace("default").status(Evaluation.STATUS_COMPLETE).build()), 9));

    s = StateMachineCore.apply(s, 4, new Command.EvalReap(List.of("e1", "absent")));

    assertEquals(4, s.index());
    assertTrue(s.eval("e1").isEmpty());
    assertEquals(List.of("e2"), s.evalsByJob("default", "web").stream()
        .map(Evaluation::id).toList());
    assertEquals(List.of(), s.evalsWithStatus(Evaluation.STATUS_COMPLETE));
    assertEquals(List.of("e2"), s.evals().stream().map(Evaluation::id).toList());
    assertEquals(s.evalsByJob("default", "web"), s.reindexed().evalsByJob("default", "web"));
  }

  @Test
  void checkAndSetMismatchIsANoOpThatTakesTheIndex() {
    StateImage s = register(StateImage.EMPTY, 1, Fixtures.job("web", 3));

    s = StateMachineCore.apply(s, 2, new Command.JobRegister(Fixtures.job("web", 2), true, 0,
        eval("e2", "web"), 0));

    assertEquals(3, s.job("default", "web").orElseThrow().taskGroups().get(0).count());
    assertTrue(s.eval("e2").isEmpty());
    assertEquals(2, s.index());
  }

  @Test
  void planApplyPlacesAllocationsSharingTheJobVersionAndMarksTheJobRunning() {
    StateImage s = register(StateImage.EMPTY, 1, Fixtures.job("web", 1));
    Job job = s.job("default", "web").orElseThrow();
    Allocation a = Allocation.builder().id("a1").name("web.web[0]").jobId("web")
        .job(job.toBuilder().build()).taskGroup("web").nodeId("n1").build();

    s = StateMachineCore.apply(s, 2, new Command.PlanApply("e1", List.of(a), List.of(), 7));

    Allocation placed = s.alloc("a1").orElseThrow();
    assertEquals(s.jobVersions("default", "web").get(0).version(), placed.job().version());
    assertEquals(2, placed.createIndex());
    assertEquals(7, placed.createTime());
    assertEquals(Job.STATUS_RUNNING, s.job("default", "web").orElseThrow().status());
  }

  @Test
  void nodeDownMarksItsAllocationsLost() {
    StateImage s = StateMachineCore.apply(StateImage.EMPTY, 1,
        new Command.NodeRegister(Fixtures.node("n1", 1000, 1000), 5));
    assertEquals(Node.STATUS_READY, s.node("n1").orElseThrow().status());
    s = register(s, 2, Fixtures.job("web", 1));
    s = StateMachineCore.apply(s, 3, new Command.PlanApply("e", List.of(Allocation.builder()
        .id("a1").name("web.web[0]").jobId("web").job(s.job("default", "web").orElseThrow())
        .taskGroup("web").nodeId("n1").build()), List.of(), 7));

    s = StateMachineCore.apply(s, 4,
        new Command.NodeStatusUpdate("n1", Node.STATUS_DOWN, "missed heartbeat", List.of(), 9));

    assertEquals(Node.STATUS_DOWN, s.node("n1").orElseThrow().status());
    assertEquals(Allocation.CLIENT_LOST, s.alloc("a1").orElseThrow().clientStatus());
    assertEquals(4, s.alloc("a1").orElseThrow().modifyIndex());
  }

  @Test
  void commandsRoundTripThroughTheCodecWithTheirTypeCode() throws Exception {
    Command c = new Command.JobRegister(Fixtures.job("web", 2), true, 4, eval("e", "web"), 3);

    byte[] bytes = CommandCodec.encode(c);

    com.fasterxml.jackson.databind.JsonNode entry =
        new com.fasterxml.jackson.dataformat.smile.databind.SmileMapper().readTree(bytes);
    assertEquals("Type", entry.fieldNames().next()); // first: decoded as a stream by its type
    assertEquals(1, entry.get("Type").asInt());
    assertEquals(c, CommandCodec.decode(bytes));
  }

  @Test
  void snapshotRoundTripKeepsEverything() throws Exception {
    StateImage s = register(StateImage.EMPTY, 1, Fixtures.job("web", 1));
    s = register(s, 2, Fixtures.job("web", 2));
    s = StateMachineCore.apply(s, 3, new Command.PlanApply("e", List.of(Allocation.builder()
        .id("a1").name("web.web[0]").jobId("web").job(s.job("default", "web").orElseThrow())
        .taskGroup("web").nodeId("n1").build()), List.of(), 7));

    StateImage back = StateImage.fromJson(s.toJson());

    assertEquals(3, back.index());
    assertEquals(s.jobVersions("default", "web"), back.jobVersions("default", "web"));
    assertEquals(s.alloc("a1").orElseThrow().toBuilder().job(null).build(),
        back.alloc("a1").orElseThrow().toBuilder().job(null).build());
    assertSame(back.jobVersions("default", "web").get(0), back.alloc("a1").orElseThrow().job());
    assertEquals(s.evals(), back.evals());
  }

  @Test
  void inPlaceUpdateKeepsWhatTheClientReported() {
    StateImage s = register(StateImage.EMPTY, 1, Fixtures.job("web", 1));
    Allocation a = Allocation.builder().id("a1").name("web.web[0]").jobId("web")
        .job(s.job("default", "web").orElseThrow()).taskGroup("web").nodeId("n1").build();
    s = StateMachineCore.apply(s, 2, new Command.PlanApply("e", List.of(a), List.of(), 7));
    s = StateMachineCore.apply(s, 3, new Command.AllocClientUpdate(List.of(a.toBuilder()
        .clientStatus(Allocation.CLIENT_RUNNING).build()), List.of(), 8));
    s = register(s, 4, Fixtures.job("web", 2));

    s = StateMachineCore.apply(s, 5, new Command.PlanApply("e", List.of(a.toBuilder()
        .job(s.job("default", "web").orElseThrow()).build()), List.of(), 9));

    Allocation updated = s.alloc("a1").orElseThrow();
    assertEquals(Allocation.CLIENT_RUNNING, updated.clientStatus());
    assertEquals(1, updated.job().version());
    assertEquals(2, updated.createIndex());
    assertEquals(5, updated.modifyIndex());
  }

  @Test
  void unknownTypeCodesAreRejectedByTheCodec() {
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> CommandCodec.decode("{\"Type\":999,\"Command\":{}}".getBytes(
            java.nio.charset.StandardCharsets.UTF_8)));

    assertEquals("unknown command type 999", e.getMessage());
  }

  @Test
  void handlesTenThousandAllocations() {
    StateImage s = register(StateImage.EMPTY, 1, Fixtures.job("web", 10_000));
    Job job = s.job("default", "web").orElseThrow();
    List<Allocation> many = new java.util.ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      many.add(Allocation.builder().id("a" + i).name("web.web[" + i + "]").jobId("web")
          .job(job).taskGroup("web").nodeId("n" + (i % 50)).build());
    }

    s = StateMachineCore.apply(s, 2, new Command.PlanApply("e", many, List.of(), 1));
    for (long i = 3; i < 103; i++) {
      s = StateMachineCore.apply(s, i, new Command.AllocClientUpdate(List.of(many.get((int) i)
          .toBuilder().clientStatus(Allocation.CLIENT_RUNNING).build()), List.of(), i));
    }

    assertEquals(10_000, s.allocs().size());
    assertEquals(200, s.allocsByNode("n7").size());
    assertSame(s.jobVersions("default", "web").get(0).taskGroups(),
        s.alloc("a9999").orElseThrow().job().taskGroups());
  }
}
