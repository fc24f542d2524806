package dev.caravan.cluster.state;

import dev.caravan.cluster.structs.DrainMetadata;
import dev.caravan.cluster.structs.Node;

/** Apply of the node lifecycle commands (eligibility, drain); deterministic like the rest. */
final class NodeLifecycle {
  private NodeLifecycle() {}

  static void eligibility(StateMachineCore.Tx tx, Command.NodeEligibilityUpdate c) {
    Node have = tx.nodes.get(c.nodeId());
    if (have == null) {
      return;
    }
    tx.putNode(have.toBuilder().schedulingEligibility(c.eligibility())
        .modifyIndex(tx.index).build());
    c.evals().forEach(e -> tx.putEval(e, c.time()));
  }

  static void drain(StateMachineCore.Tx tx, Command.NodeDrainUpdate c) {
    Node have = tx.nodes.get(c.nodeId());
    if (have == null) {
      return;
    }
    Node.Builder b = have.toBuilder().drainStrategy(c.drain()).modifyIndex(tx.index);
    if (c.drain() != null) {
      long started = have.lastDrain() != null && have.drainStrategy() != null
          ? have.lastDrain().startedAt() : c.time();
      b.schedulingEligibility(Node.INELIGIBLE)
          .lastDrain(new DrainMetadata(started, c.time(), DrainMetadata.DRAINING));
    } else {
      long started = have.lastDrain() == null ? c.time() : have.lastDrain().startedAt();
      b.lastDrain(new DrainMetadata(started, c.time(),
          c.complete() ? DrainMetadata.COMPLETE : DrainMetadata.CANCELED));
      if (c.markEligible()) {
        b.schedulingEligibility(Node.ELIGIBLE);
      }
    }
    tx.putNode(b.build());
    c.evals().forEach(e -> tx.putEval(e, c.time()));
  }
}
