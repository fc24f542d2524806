package dev.caravan.cluster.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.scheduler.RescheduleDecider.Decision;
import dev.caravan.cluster.scheduler.RescheduleDecider.Kind;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.RescheduleEvent;
import dev.caravan.cluster.structs.ReschedulePolicy;
import dev.caravan.cluster.structs.RescheduleTracker;
import dev.caravan.cluster.structs.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RescheduleDeciderTest {
  private static final long S = 1_000_000_000L;
  /** Every failure in these cases happens at t = 1000 s. */
  private static final long FAILED_AT = 1000 * S;

  private static Allocation failed(long... pastDelaysAndTimes) {
    List<RescheduleEvent> events = new ArrayList<>();
    for (int k = 0; k < pastDelaysAndTimes.length; k += 2) {
      events.add(new RescheduleEvent(pastDelaysAndTimes[k + 1], "prev" + k, "node",
          Duration.ofNanos(pastDelaysAndTimes[k])));
    }
    return Allocation.builder().id("a").clientStatus(Allocation.CLIENT_FAILED)
        .taskStates(Map.of("main", new TaskState(TaskState.DEAD, true, 0, 0, 0, FAILED_AT,
            List.of())))
        .rescheduleTracker(events.isEmpty() ? null : new RescheduleTracker(events)).build();
  }

  private static ReschedulePolicy policy(int attempts, long intervalS, long delayS,
      String function, long maxS, boolean unlimited) {
    return new ReschedulePolicy(attempts, Duration.ofSeconds(intervalS),
        Duration.ofSeconds(delayS), function, Duration.ofSeconds(maxS), unlimited);
  }

  /** One row: a failed allocation, a policy, the time of the decision, and the decision. */
  record Case(String name, Allocation alloc, ReschedulePolicy policy, long now, Kind kind,
      long at) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    ReschedulePolicy once = policy(1, 3600, 5, "constant", 0, false);
    ReschedulePolicy expo = policy(0, 0, 5, "exponential", 60, true);
    ReschedulePolicy fib = policy(0, 0, 5, "fibonacci", 60, true);
    return Stream.of(
        new Case("first failure waits the delay", failed(), once, FAILED_AT, Kind.LATER,
            FAILED_AT + 5 * S),
        new Case("due within a second is now", failed(), once, FAILED_AT + 4 * S + 1, Kind.NOW,
            FAILED_AT + 5 * S),
        new Case("attempts exhausted within the interval", failed(5 * S, FAILED_AT - 600 * S),
            once, FAILED_AT + 10 * S, Kind.NEVER, 0),
        new Case("an attempt outside the interval no longer counts",
            failed(5 * S, FAILED_AT - 7200 * S), once, FAILED_AT + 5 * S, Kind.NOW,
            FAILED_AT + 5 * S),
        new Case("zero attempts and not unlimited never reschedules", failed(),
            policy(0, 3600, 5, "constant", 0, false), FAILED_AT + 100 * S, Kind.NEVER, 0),
        new Case("unlimited ignores the attempts", failed(5 * S, FAILED_AT - 10 * S,
            10 * S, FAILED_AT - 5 * S), policy(0, 0, 5, "constant", 0, true), FAILED_AT,
            Kind.LATER, FAILED_AT + 5 * S),
        new Case("exponential doubles the last delay", failed(10 * S, FAILED_AT - 20 * S), expo,
            FAILED_AT, Kind.LATER, FAILED_AT + 20 * S),
        new Case("exponential is capped by max_delay", failed(40 * S, FAILED_AT - 20 * S), expo,
            FAILED_AT, Kind.LATER, FAILED_AT + 60 * S),
        new Case("the cap resets to the delay after a long healthy run",
            failed(40 * S, FAILED_AT - 600 * S), expo, FAILED_AT, Kind.LATER, FAILED_AT + 5 * S),
        new Case("fibonacci adds the last two delays",
            failed(5 * S, FAILED_AT - 30 * S, 10 * S, FAILED_AT - 20 * S), fib, FAILED_AT,
            Kind.LATER, FAILED_AT + 15 * S),
        new Case("fibonacci is capped by max_delay",
            failed(30 * S, FAILED_AT - 30 * S, 40 * S, FAILED_AT - 20 * S), fib, FAILED_AT,
            Kind.LATER, FAILED_AT + 60 * S),
        new Case("constant keeps the delay", failed(5 * S, FAILED_AT - 30 * S),
            policy(3, 3600, 5, "constant", 0, false), FAILED_AT, Kind.LATER, FAILED_AT + 5 * S),
        new Case("a delay not shorter than the interval is not eligible",
            failed(5 * S, FAILED_AT - 2 * S), policy(3, 8, 5, "exponential", 0, false),
            FAILED_AT, Kind.NEVER, 0),
        new Case("no policy never reschedules", failed(), null, FAILED_AT, Kind.NEVER, 0));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void decidesAsNomad(Case c) {
    Decision d = RescheduleDecider.decide(c.alloc(), c.policy(), c.now());

    assertEquals(new Decision(c.kind(), c.at()), d);
  }

  @Test
  void theReplacementCarriesThePastEventsWithinTheIntervalAndThisOne() {
    Allocation prev = failed(5 * S, FAILED_AT - 7200 * S, 5 * S, FAILED_AT - 60 * S)
        .toBuilder().nodeId("n1").build();

    RescheduleTracker t = RescheduleDecider.replacementTracker(prev,
        policy(3, 3600, 5, "constant", 0, false), FAILED_AT + 5 * S);

    assertEquals(List.of(new RescheduleEvent(FAILED_AT - 60 * S, "prev2", "node",
        Duration.ofSeconds(5)), new RescheduleEvent(FAILED_AT + 5 * S, "a", "n1",
        Duration.ofSeconds(5))), t.events());
  }

  @Test
  void anUnlimitedChainKeepsItsLastFiveEvents() {
    long[] past = new long[14];
    for (int k = 0; k < 7; k++) {
      past[2 * k] = 5 * S;
      past[2 * k + 1] = FAILED_AT - (100 - k) * S;
    }

    RescheduleTracker t = RescheduleDecider.replacementTracker(failed(past),
        policy(0, 0, 5, "constant", 0, true), FAILED_AT);

    assertEquals(6, t.events().size());
    assertEquals("prev4", t.events().get(0).prevAllocId());
  }
}
