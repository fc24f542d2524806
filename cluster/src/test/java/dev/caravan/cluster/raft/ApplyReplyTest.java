package dev.caravan.cluster.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.Fixtures;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyReplyTest {

  private static Command.JobRegister register(Job job, boolean enforce, long jmi, String evalId) {
    return new Command.JobRegister(job, enforce, jmi, Evaluation.builder().id(evalId)
        .jobId(job.id()).type("service").triggeredBy(Evaluation.TRIGGER_JOB_REGISTER).build(), 0);
  }

  private static ApplyReply applied(StateImage before, long index, Command c) {
    return ApplyReply.of(index, c, StateMachineCore.apply(before, index, c));
  }

  @Test
  void anAcceptedRegisterAnswersWithTheJobModifyIndexItLeft() {
    ApplyReply reply = applied(StateImage.EMPTY, 7, register(Fixtures.job("web", 1), false, 0,
        "e1"));

    assertEquals(new ApplyReply(7, List.of(new ApplyReply.Registered(7, true, 7))), reply);
  }

  @Test
  void aRegisterRefusedByCheckAndSetAnswersWithTheIndexThatRefusedIt() {
    Command.JobRegister first = register(Fixtures.job("web", 1), false, 0, "e1");
    StateImage s = StateMachineCore.apply(StateImage.EMPTY, 3, first);

    // 0 means "must not exist": the job exists at job modify index 3
    ApplyReply reply = applied(s, 4, register(Fixtures.job("web", 2), true, 0, "e2"));

    assertEquals(List.of(new ApplyReply.Registered(4, false, 3)), reply.registered());
  }

  @Test
  void aBatchAnswersForEachRegisterInItsOrder() {
    StateImage s = StateMachineCore.apply(StateImage.EMPTY, 3,
        register(Fixtures.job("api", 1), false, 0, "e0"));
    Command batch = new Command.JobRegisterBatch(List.of(
        register(Fixtures.job("web", 1), false, 0, "e1"),
        register(Fixtures.job("api", 2), true, 99, "e2"),
        register(Fixtures.job("db", 1), true, 0, "e3")));

    ApplyReply reply = applied(s, 5, batch);

    assertEquals(List.of(new ApplyReply.Registered(5, true, 5),
        new ApplyReply.Registered(5, false, 3), new ApplyReply.Registered(5, true, 5)),
        reply.registered());
  }

  @Test
  void otherCommandsAnswerWithTheirIndexAlone() {
    Command c = new Command.EvalUpsert(List.of(), 0);

    ApplyReply reply = applied(StateImage.EMPTY, 9, c);

    assertEquals("9", reply.encode());
    assertEquals(reply, ApplyReply.decode("9"));
  }

  @Test
  void repliesSurviveTheirTextForm() {
    ApplyReply reply = new ApplyReply(12, List.of(new ApplyReply.Registered(12, true, 12),
        new ApplyReply.Registered(12, false, 0), new ApplyReply.Registered(12, false, 8)));

    assertEquals("12:12,!0,!8", reply.encode());
    assertEquals(reply, ApplyReply.decode(reply.encode()));
  }

  @Test
  void aMalformedReplyIsRefusedWithItsText() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ApplyReply.decode("12:x"));

    assertEquals("malformed apply reply: 12:x", e.getMessage());
  }
}
