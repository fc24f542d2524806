package dev.caravan.cluster.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.caravan.cluster.structs.DrainMetadata;
import dev.caravan.cluster.structs.DrainStrategy;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeLifecycleTest {
  private long index;
  private StateImage state = StateImage.EMPTY;

  private void apply(Command c) {
    state = StateMachineCore.apply(state, ++index, c);
  }

  private Node node() {
    return state.node("n1").orElseThrow();
  }

  @Test
  void lifecycleCommandsRoundTripThroughTheCodecWithCodesThirtyAndUp() throws Exception {
    Evaluation eval = Evaluation.builder().id("e1").jobId("sys").build();
    List<Command> commands = List.of(
        new Command.NodeEligibilityUpdate("n1", Node.INELIGIBLE, List.of(eval), 7),
        new Command.NodeDrainUpdate("n1", new DrainStrategy(Duration.ofMinutes(1), true, 99, 5),
            false, false, List.of(eval), 8));

    for (Command c : commands) {
      assertEquals(c, CommandCodec.decode(CommandCodec.encode(c)));
    }
    assertEquals(30, commands.get(0).typeCode());
    assertEquals(31, commands.get(1).typeCode());
  }

  @Test
  void eligibilityUpdateSetsTheNodeAndStoresItsEvals() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 1000, 1000), 1));

    apply(new Command.NodeEligibilityUpdate("n1", Node.INELIGIBLE,
        List.of(Evaluation.builder().id("e1").jobId("sys").build()), 2));

    assertEquals(Node.INELIGIBLE, node().schedulingEligibility());
    assertEquals(2, node().modifyIndex());
    assertEquals(2, state.eval("e1").orElseThrow().createTime());
  }

  @Test
  void aDrainMakesTheNodeIneligibleAndItsCompletionIsRecorded() {
    apply(new Command.NodeRegister(Fixtures.node("n1", 1000, 1000), 1));
    DrainStrategy drain = new DrainStrategy(Duration.ofMinutes(1), false, 60_000, 10);

    apply(new Command.NodeDrainUpdate("n1", drain, false, false, List.of(), 10));
    Node draining = node();
    apply(new Command.NodeDrainUpdate("n1", null, false, true, List.of(), 20));

    assertEquals(Node.INELIGIBLE, draining.schedulingEligibility());
    assertEquals(new DrainMetadata(10, 10, DrainMetadata.DRAINING), draining.lastDrain());
    assertNull(node().drainStrategy());
    assertEquals(Node.INELIGIBLE, node().schedulingEligibility());
    assertEquals(new DrainMetadata(10, 20, DrainMetadata.COMPLETE), node().lastDrain());
  }

  @Test
  void aCanceledDrainMayMakeTheNodeEligibleAgainAndSurvivesASnapshot() throws Exception {
    apply(new Command.NodeRegister(Fixtures.node("n1", 1000, 1000), 1));
    apply(new Command.NodeDrainUpdate("n1", new DrainStrategy(null, false, 0, 5), false, false,
        List.of(), 5));

    apply(new Command.NodeDrainUpdate("n1", null, true, false, List.of(), 6));
    StateImage restored = StateImage.fromJson(state.toJson());

    assertEquals(Node.ELIGIBLE, node().schedulingEligibility());
    assertEquals(DrainMetadata.CANCELED, node().lastDrain().status());
    assertEquals(node(), restored.node("n1").orElseThrow());
  }

  @Test
  void commandsForUnknownNodesOnlyTakeTheIndex() {
    apply(new Command.NodeEligibilityUpdate("ghost", Node.ELIGIBLE, List.of(), 1));
    apply(new Command.NodeDrainUpdate("ghost", null, true, false, List.of(), 2));

    assertEquals(2, state.index());
    assertEquals(List.of(), state.nodes());
  }
}
