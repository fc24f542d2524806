package dev.caravan.cluster.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.ParameterizedJobConfig;
import dev.caravan.cluster.structs.PeriodicConfig;
import dev.caravan.cluster.structs.PeriodicLaunch;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeriodicCommandsTest {

  private static Job parent() {
    return Fixtures.job("nightly", 1).toBuilder().type(Job.TYPE_BATCH)
        .periodic(new PeriodicConfig(true, "*/2 * * * * * *", null, "cron", false, "UTC")).build();
  }

  private static Job template() {
    return Fixtures.job("render", 1).toBuilder().type(Job.TYPE_BATCH)
        .parameterizedJob(new ParameterizedJobConfig("optional", List.of(), List.of())).build();
  }

  private static Job child(Job parent, String suffix) {
    return parent.toBuilder().id(parent.id() + "/" + suffix).name(parent.id() + "/" + suffix)
        .parentId(parent.id()).periodic(null).build();
  }

  private static Evaluation eval(String id, String jobId) {
    return Evaluation.builder().id(id).jobId(jobId).type(Job.TYPE_BATCH)
        .triggeredBy(Evaluation.TRIGGER_PERIODIC_JOB).build();
  }

  private static Command.PeriodicLaunch fire(String parentId, long slot, Job child, Evaluation eval,
      String skipReason, boolean forced, long time) {
    return new Command.PeriodicLaunch(List.of(new Command.PeriodicLaunch.Launch("default", parentId,
        slot, child, eval, skipReason, forced)), time);
  }

  private static Command.JobDispatch dispatch(Job child, Evaluation eval, String token, long time) {
    return new Command.JobDispatch(List.of(new Command.JobDispatch.Dispatch(child, eval, token)), time);
  }

  private static StateImage launch(StateImage s, long index, long slot) {
    Job child = child(parent(), "periodic-" + slot);
    return StateMachineCore.apply(s, index, fire("nightly", slot, child, eval("e" + index, child.id()),
        null, false, index * 1000));
  }

  private static StateImage withParent() {
    return StateMachineCore.apply(StateImage.EMPTY, 1,
        new Command.JobRegister(parent(), false, 0, null, 1000));
  }

  @Test
  void aLaunchRegistersTheChildAndItsEvalAndRecordsTheSlot() {
    StateImage s = launch(withParent(), 2, 100);

    Job child = s.job("default", "nightly/periodic-100").orElseThrow();
    assertEquals("nightly", child.parentId());
    assertEquals(0, child.version());
    assertTrue(s.eval("e2").isPresent());
    PeriodicLaunch record = s.periodicLaunch("default", "nightly").orElseThrow();
    assertEquals(100, record.lastSlot());
    assertEquals(100_000_000_000L, record.launch());
    assertEquals(List.of(new PeriodicLaunch.Entry(100, "nightly/periodic-100", false, null, false,
        2000)), record.history());
  }

  @Test
  void aSlotNotAfterTheLastLaunchIsANoOpWhoeverProposesIt() {
    StateImage s = launch(withParent(), 2, 100);

    StateImage again = launch(s, 3, 100);
    StateImage older = launch(again, 4, 98);

    assertSame(s.jobs, older.jobs);
    assertFalse(older.eval("e3").isPresent());
    assertFalse(older.job("default", "nightly/periodic-98").isPresent());
    assertEquals(1, older.periodicLaunch("default", "nightly").orElseThrow().history().size());
    assertEquals(4, older.index());
  }

  @Test
  void oneCommandCarriesManyFiresAndADuplicateWithinItIsANoOp() {
    Job child = child(parent(), "periodic-100");
    Command.PeriodicLaunch.Launch l = new Command.PeriodicLaunch.Launch("default", "nightly", 100,
        child, eval("e2", child.id()), null, false);
    Command.PeriodicLaunch.Launch again = new Command.PeriodicLaunch.Launch("default", "nightly",
        100, child, eval("e2b", child.id()), null, false);

    StateImage s = StateMachineCore.apply(withParent(), 2,
        new Command.PeriodicLaunch(List.of(l, again), 2000));

    assertTrue(s.eval("e2").isPresent());
    assertFalse(s.eval("e2b").isPresent());
    assertEquals(1, s.periodicLaunch("default", "nightly").orElseThrow().history().size());
  }

  @Test
  void aSkipIsRecordedWithItsReasonAndMovesTheSlot() {
    StateImage s = StateMachineCore.apply(withParent(), 2, fire("nightly", 100, null, null,
        "prohibit_overlap: a previous child is still running", false, 5));

    PeriodicLaunch record = s.periodicLaunch("default", "nightly").orElseThrow();
    assertEquals(100, record.lastSlot());
    assertTrue(record.history().get(0).skipped());
    assertEquals("prohibit_overlap: a previous child is still running",
        record.history().get(0).reason());
    assertFalse(launch(s, 3, 100).job("default", "nightly/periodic-100").isPresent());
  }

  @Test
  void aForcedLaunchDoesNotMoveTheSlot() {
    StateImage s = launch(withParent(), 2, 100);
    Job forced = child(parent(), "periodic-150");

    s = StateMachineCore.apply(s, 3, fire("nightly", 150, forced,
        eval("e3", forced.id()), null, true, 3000));

    assertTrue(s.job("default", "nightly/periodic-150").isPresent());
    assertEquals(100, s.periodicLaunch("default", "nightly").orElseThrow().lastSlot());
    assertTrue(launch(s, 4, 120).job("default", "nightly/periodic-120").isPresent());
  }

  @Test
  void historyKeepsTheLastTenNewestFirst() {
    StateImage s = withParent();
    for (int i = 1; i <= 12; i++) {
      s = launch(s, 1 + i, 100L * i);
    }

    List<PeriodicLaunch.Entry> history = s.periodicLaunch("default", "nightly").orElseThrow()
        .history();
    assertEquals(10, history.size());
    assertEquals(1200, history.get(0).slot());
    assertEquals(300, history.get(9).slot());
  }

  @Test
  void theSameIdempotencyTokenTwiceDispatchesOneChild() {
    StateImage s = StateMachineCore.apply(StateImage.EMPTY, 1,
        new Command.JobRegister(template(), false, 0, null, 1000));
    Job first = child(template(), "dispatch-1-aaaaaaaa").toBuilder().dispatched(true).build();
    Job second = child(template(), "dispatch-1-bbbbbbbb").toBuilder().dispatched(true).build();

    s = StateMachineCore.apply(s, 2, dispatch(first, eval("e2", first.id()), "t", 2000));
    s = StateMachineCore.apply(s, 3, dispatch(second, eval("e3", second.id()), "t", 3000));

    assertEquals(List.of("render", "render/dispatch-1-aaaaaaaa"),
        s.jobs().stream().map(Job::id).toList());
    assertEquals("render/dispatch-1-aaaaaaaa", s.dispatchedChild("default", "render", "t")
        .orElseThrow());
    assertEquals(List.of(s.job("default", "render/dispatch-1-aaaaaaaa").orElseThrow()),
        s.childJobs("default", "render"));
  }

  @Test
  void snapshotsKeepLaunchRecordsAndTokensAndPurgeDropsThem() throws Exception {
    StateImage s = launch(withParent(), 2, 100);
    s = StateMachineCore.apply(s, 3, new Command.JobRegister(template(), false, 0, null, 1000));
    Job d = child(template(), "dispatch-1-aaaaaaaa").toBuilder().dispatched(true)
        .meta(Map.of("k", "v")).build();
    s = StateMachineCore.apply(s, 4, dispatch(d, eval("e4", d.id()), "tok", 4000));

    StateImage restored = StateImage.fromJson(s.toJson());

    assertEquals(s.periodicLaunch("default", "nightly"),
        restored.periodicLaunch("default", "nightly"));
    assertEquals("render/dispatch-1-aaaaaaaa",
        restored.dispatchedChild("default", "render", "tok").orElseThrow());
    StateImage purged = StateMachineCore.apply(restored, 5,
        new Command.JobDeregister("default", "nightly", true, null, 5000));
    assertFalse(purged.periodicLaunch("default", "nightly").isPresent());
  }

  @Test
  void codesEightAndNineRoundTripThroughTheCodec() throws Exception {
    Job child = child(parent(), "periodic-100");
    Command launch = fire("nightly", 100, child, eval("e", child.id()), null, false, 7);
    Command dispatch = dispatch(child, eval("e", child.id()), "tok", 7);

    assertEquals(8, launch.typeCode());
    assertEquals(9, dispatch.typeCode());
    assertEquals(launch, CommandCodec.decode(CommandCodec.encode(launch)));
    assertInstanceOf(Command.JobDispatch.class, CommandCodec.decode(CommandCodec.encode(dispatch)));
    assertEquals(dispatch, CommandCodec.decode(CommandCodec.encode(dispatch)));
  }
}
