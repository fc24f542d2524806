package dev.caravan.cluster.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.JobDefaults;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The leader applies the commands it proposes as they are in memory while the other servers
 * apply them decoded from the log: a command the servers write must decode to an equal value,
 * or the servers' states would drift apart.
 */
class CommandCodecTest {

  private static Evaluation eval(String id, String jobId, String status) {
    return Evaluation.builder().id(id).namespace("default").priority(50).type("service")
        .triggeredBy(Evaluation.TRIGGER_JOB_REGISTER).jobId(jobId).status(status)
        .createTime(1).modifyTime(2).build();
  }

  private static Command roundTrip(Command c) throws Exception {
    return CommandCodec.decode(CommandCodec.encode(c));
  }

  @Test
  void aBatchOfRegistersWithDefaultedJobsDecodesEqual() throws Exception {
    Job web = JobDefaults.apply(Fixtures.job("web", 3));
    Job api = JobDefaults.apply(Fixtures.job("api", 1, 500, 256));
    Command c = new Command.JobRegisterBatch(List.of(
        new Command.JobRegister(web, false, 0, eval("e1", "web", Evaluation.STATUS_PENDING), 5),
        new Command.JobRegister(api, true, 7, eval("e2", "api", Evaluation.STATUS_PENDING), 6)));

    assertEquals(c, roundTrip(c));
  }

  @Test
  void entriesAreWrittenAsSmileAndEntriesWrittenAsJsonTextAreStillRead() throws Exception {
    Job web = JobDefaults.apply(Fixtures.job("web", 3));
    Command c = new Command.JobRegisterBatch(List.of(
        new Command.JobRegister(web, false, 0, eval("e1", "web", Evaluation.STATUS_PENDING), 5),
        new Command.JobRegister(web, false, 0, eval("e2", "web", Evaluation.STATUS_PENDING), 6)));
    byte[] json = ("{\"Type\":" + c.typeCode() + ",\"Command\":"
        + CommandCodec.mapper().writeValueAsString(c) + "}").getBytes(StandardCharsets.UTF_8);

    byte[] written = CommandCodec.encode(c);

    assertEquals(":)\n", new String(written, 0, 3, StandardCharsets.US_ASCII));
    assertTrue(written.length * 2 < json.length, written.length + " vs " + json.length);
    assertEquals(c, CommandCodec.decode(json));
  }

  @Test
  void evalUpdatesAndPlansDecodeEqual() throws Exception {
    Job web = JobDefaults.apply(Fixtures.job("web", 1));
    Command evals = new Command.EvalUpsert(List.of(
        eval("e1", "web", Evaluation.STATUS_COMPLETE),
        eval("e2", "web", Evaluation.STATUS_BLOCKED).toBuilder()
            .failedTgAllocs(Map.of()).build()), 9);
    Command plan = new Command.PlanApply("e1", List.of(Allocation.builder().id("a1")
        .name("web.web[0]").jobId("web").job(web).taskGroup("web").nodeId("n1").build()),
        List.of(), 7);

    assertEquals(evals, roundTrip(evals));
    Command reap = new Command.EvalReap(List.of("e1", "e2"));
    assertEquals(reap, roundTrip(reap));
    assertEquals(plan, roundTrip(plan));
  }

  @Test
  void repeatedShortValuesDecodeToOneInstanceAndLongOnesDoNot() throws Exception {
    String longId = "a-job-id-longer-than-the-shared-values-" + System.nanoTime();
    Command.JobRegister a = (Command.JobRegister) roundTrip(new Command.JobRegister(
        JobDefaults.apply(Fixtures.job(longId, 1)), false, 0,
        eval("e1", longId, Evaluation.STATUS_PENDING), 1));
    Command.JobRegister b = (Command.JobRegister) roundTrip(new Command.JobRegister(
        JobDefaults.apply(Fixtures.job(longId, 1)), false, 0,
        eval("e2", longId, Evaluation.STATUS_PENDING), 1));

    assertEquals(a.job(), b.job());
    assertSame(a.job().type(), b.job().type());
    assertSame(a.job().taskGroups().get(0).tasks().get(0).driver(),
        b.job().taskGroups().get(0).tasks().get(0).driver());
    assertNotSame(a.job().id(), b.job().id());
    assertNull(a.eval().nodeId());
  }
}
