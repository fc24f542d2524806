package dev.caravan.cluster.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.structs.Evaluation;
import org.junit.jupiter.api.Test;

class EvalBrokerTest {

  private static Evaluation eval(String id, String job) {
    return Evaluation.builder().id(id).jobId(job).build();
  }

  @Test
  void oneEvalInFlightPerJobAndNewerOnesCoalesce() throws Exception {
    EvalBroker broker = new EvalBroker();
    broker.setEnabled(true);
    broker.enqueue(eval("e1", "web"));
    broker.enqueue(eval("x1", "api"));

    Evaluation first = broker.take();
    broker.enqueue(eval("e2", "web"));
    broker.enqueue(eval("e3", "web"));
    Evaluation second = broker.take();
    broker.ack(first);
    Evaluation third = broker.take();

    assertEquals("e1", first.id());
    assertEquals("x1", second.id());
    assertEquals("e3", third.id());
    assertEquals(2, broker.size());
  }

  @Test
  void aDisabledBrokerDropsEverything() {
    EvalBroker broker = new EvalBroker();
    broker.enqueue(eval("e1", "web"));

    assertEquals(0, broker.size());
  }
}
