package dev.caravan.cluster.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.ParameterizedJobConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Snapshots of the persistent maps and their indexes, and the command codec's wire format. */
class StateSnapshotRoundTripTest {

  private static Evaluation eval(String id, String jobId) {
    return Evaluation.builder().id(id).jobId(jobId).type("service")
        .status(Evaluation.STATUS_PENDING).build();
  }

  /** Jobs, a parameterized parent with two dispatched children, allocations, a deployment. */
  private static StateImage populated() {
    Job parent = Fixtures.job("report", 1).toBuilder()
        .parameterizedJob(new ParameterizedJobConfig("optional", List.of(), List.of())).build();
    StateImage s = StateMachineCore.apply(StateImage.EMPTY, 1,
        new Command.JobRegister(Fixtures.job("web", 2), false, 0, eval("e1", "web"), 1000));
    s = StateMachineCore.apply(s, 2, new Command.JobRegister(parent, false, 0, null, 2000));
    s = StateMachineCore.apply(s, 3, new Command.JobDispatch(List.of(
        new Command.JobDispatch.Dispatch(child(parent, "dispatch-1"), eval("e3", "report/dispatch-1"),
            "token-1"),
        new Command.JobDispatch.Dispatch(child(parent, "dispatch-2"), eval("e4", "report/dispatch-2"),
            null)), 3000));
    s = StateMachineCore.apply(s, 4, new Command.NodeRegister(Fixtures.node("n1", 4000, 8192), 4000));
    s = StateMachineCore.apply(s, 5, new Command.PlanApply("e1", List.of(
        alloc("a1", "web", "n1"), alloc("a2", "web", "n2"), alloc("a3", "report/dispatch-1", "n1")),
        List.of(), 5000));
    return StateMachineCore.apply(s, 6, new Command.DeploymentPlanApply(
        new Command.PlanApply("e1", List.of(), List.of(), 6000),
        Deployment.builder().id("d1").jobId("web").build(), List.of()));
  }

  private static Job child(Job parent, String suffix) {
    return parent.toBuilder().id(parent.id() + "/" + suffix).parentId(parent.id())
        .parameterizedJob(null).dispatched(true).build();
  }

  private static Allocation alloc(String id, String jobId, String nodeId) {
    return Allocation.builder().id(id).jobId(jobId).nodeId(nodeId).taskGroup("web")
        .clientStatus(Allocation.CLIENT_RUNNING).build();
  }

  @Test
  void aRestoredImageAnswersEveryIndexedQueryAsTheOriginal() throws Exception {
    StateImage s = populated();

    StateImage restored = StateImage.fromJson(s.toJson());

    assertEquals(List.of("a1", "a3"), ids(restored.allocsByNode("n1")));
    assertEquals(List.of("a2"), ids(restored.allocsByNode("n2")));
    assertEquals(List.of("a1", "a2"), ids(restored.allocsByJob("default", "web")));
    assertEquals(List.of("e1"), restored.evalsByJob("default", "web").stream()
        .map(Evaluation::id).toList());
    assertEquals(List.of("d1"), restored.deploymentsByJob("default", "web").stream()
        .map(Deployment::id).toList());
    assertEquals(List.of("report/dispatch-1", "report/dispatch-2"),
        restored.childJobs("default", "report").stream().map(Job::id).toList());
    assertEquals("report/dispatch-1",
        restored.dispatchedChild("default", "report", "token-1").orElseThrow());
    StateIndexPropertyTest.assertIndexesAgreeWithScans(restored);
  }

  @Test
  void restoredAllocationsShareTheStoredInstanceOfTheirJobVersion() throws Exception {
    StateImage restored = StateImage.fromJson(populated().toJson());

    Job web = restored.jobVersions("default", "web").get(0);
    for (Allocation a : restored.allocsByJob("default", "web")) {
      assertSame(web, a.job());
    }
  }

  @Test
  void aRestoredImageKeepsItsIndexesInStepWithLaterCommands() throws Exception {
    StateImage restored = StateImage.fromJson(populated().toJson());

    StateImage next = StateMachineCore.apply(restored, 7,
        new Command.NodeStatusUpdate("n1", "down", "missed heartbeats", List.of(), 7000));
    next = StateMachineCore.apply(next, 8,
        new Command.JobDeregister("default", "report/dispatch-2", true, null, 8000));

    assertEquals(List.of(Allocation.CLIENT_LOST, Allocation.CLIENT_LOST),
        next.allocsByNode("n1").stream().map(Allocation::clientStatus).toList());
    assertEquals(List.of("report/dispatch-1"),
        next.childJobs("default", "report").stream().map(Job::id).toList());
    StateIndexPropertyTest.assertIndexesAgreeWithScans(next);
  }

  @Test
  void streamingASnapshotWritesAndReadsWhatTheBytesHold() throws Exception {
    StateImage s = populated();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    s.writeJson(out);
    StateImage fromStream = StateImage.fromJson(new ByteArrayInputStream(out.toByteArray()));

    assertArrayEquals(s.toJson(), out.toByteArray());
    assertArrayEquals(s.toJson(), fromStream.toJson());
  }

  @Test
  void aCommandSurvivesTheCodecUnchanged() throws Exception {
    Command c = new Command.JobRegister(Fixtures.job("web", 3), true, 7, eval("e9", "web"), 42);

    assertEquals(c, CommandCodec.decode(CommandCodec.encode(c)));
  }

  @Test
  void theCodecReadsEntriesWhoseCommandComesBeforeItsType() throws Exception {
    String json = "{\"Command\":{\"evals\":[],\"time\":5},\"Type\":3}";

    Command c = CommandCodec.decode(json.getBytes(StandardCharsets.UTF_8));

    assertEquals(new Command.EvalUpsert(List.of(), 5), c);
  }

  @Test
  void theCodecRefusesAnUnknownType() {
    byte[] json = "{\"Type\":999,\"Command\":{}}".getBytes(StandardCharsets.UTF_8);

    IOException e = assertThrows(IOException.class, () -> CommandCodec.decode(json));

    assertEquals("unknown command type 999", e.getMessage());
  }

  private static List<String> ids(List<Allocation> allocs) {
    return allocs.stream().map(Allocation::id).toList();
  }
}
