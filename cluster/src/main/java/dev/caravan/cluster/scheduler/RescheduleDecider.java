package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.RescheduleEvent;
import dev.caravan.cluster.structs.ReschedulePolicy;
import dev.caravan.cluster.structs.RescheduleTracker;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * When a failed allocation is replaced, under its group's {@code reschedule} block, as Nomad
 * decides it ({@code Allocation.RescheduleEligible}, {@code NextRescheduleTime},
 * {@code NextDelay}). Pure: times are Unix nanoseconds passed in.
 *
 * <ul>
 *   <li>An allocation is eligible while the policy is {@code unlimited}, or while fewer than
 *       {@code attempts} reschedule events of its chain lie within {@code interval} of its
 *       failure (and the next delay is shorter than the interval);
 *   <li>its next reschedule time is its failure time plus the next delay: {@code delay} for
 *       the first, then per {@code delay_function} ({@code constant}; {@code exponential}
 *       doubles the last delay; {@code fibonacci} adds the last two), capped by
 *       {@code max_delay} (and back to {@code delay} once the allocation ran longer than the
 *       cap since its last reschedule);
 *   <li>it is rescheduled {@link Kind#NOW} when that time is at most one second away,
 *       {@link Kind#LATER} otherwise (a follow-up evaluation waits until then), and
 *       {@link Kind#NEVER} when not eligible: it stays failed in its slot.
 * </ul>
 * Lost allocations are not judged here: they are always replaced.
 */
public final class RescheduleDecider {
  /** Nomad's {@code rescheduleWindowSize}: what is due within it is rescheduled now. */
  public static final long WINDOW_NANOS = Duration.ofSeconds(1).toNanos();
  /** With unlimited attempts, how many past events a replacement carries. */
  static final int MAX_PAST_EVENTS = 5;

  private RescheduleDecider() {}

  /** What to do with a failed allocation. */
  public enum Kind { NOW, LATER, NEVER }

  /** The decision and, for {@code NOW} and {@code LATER}, the time it is due. */
  public record Decision(Kind kind, long at) {
    static final Decision NEVER = new Decision(Kind.NEVER, 0);
  }

  /** The policy an allocation runs under: its own job version's group's, else the given. */
  public static ReschedulePolicy policyOf(Allocation a, TaskGroup fallback) {
    Job job = a.job();
    TaskGroup g = job == null ? null : job.group(a.taskGroup());
    if (g != null) {
      return g.reschedulePolicy();
    }
    return fallback == null ? null : fallback.reschedulePolicy();
  }

  /** The decision for a failed allocation at time {@code now}. */
  public static Decision decide(Allocation failed, ReschedulePolicy policy, long now) {
    if (policy == null || (!policy.unlimited() && policy.attempts() <= 0)) {
      return Decision.NEVER;
    }
    long failTime = failTime(failed);
    Duration delay = nextDelay(failed, policy, failTime);
    boolean eligible = policy.unlimited();
    if (!eligible) {
      List<RescheduleEvent> events = events(failed);
      Duration interval = policy.interval() == null ? Duration.ZERO : policy.interval();
      eligible = events.isEmpty()
          || (attemptsWithin(events, interval, failTime) < policy.attempts()
              && delay.compareTo(interval) < 0);
    }
    if (!eligible) {
      return Decision.NEVER;
    }
    long at = failTime + delay.toNanos();
    return new Decision(at - now <= WINDOW_NANOS ? Kind.NOW : Kind.LATER, at);
  }

  /** The delay before the allocation's next reschedule, from its chain's past delays. */
  public static Duration nextDelay(Allocation a, ReschedulePolicy policy, long failTime) {
    Duration base = policy.delay() == null ? Duration.ZERO : policy.delay();
    List<RescheduleEvent> events = events(a);
    if (events.isEmpty()) {
      return base;
    }
    RescheduleEvent last = events.get(events.size() - 1);
    Duration lastDelay = last.delay() == null ? Duration.ZERO : last.delay();
    Duration next;
    switch (policy.delayFunction() == null ? "constant" : policy.delayFunction()) {
      case "exponential" -> next = lastDelay.multipliedBy(2);
      case "fibonacci" -> {
        if (events.size() < 2) {
          next = base;
        } else {
          Duration before = events.get(events.size() - 2).delay();
          before = before == null ? Duration.ZERO : before;
          // the series restarts after the cap was reset to the base delay
          next = before.equals(policy.maxDelay()) && lastDelay.equals(base) ? lastDelay
              : lastDelay.plus(before);
        }
      }
      default -> {
        return base;
      }
    }
    Duration max = policy.maxDelay();
    if (max != null && !max.isZero() && next.compareTo(max) > 0) {
      next = max;
      // an allocation that ran longer than the cap since its last reschedule starts over
      if (failTime - last.rescheduleTime() > max.toNanos()) {
        next = base;
      }
    }
    return next;
  }

  /**
   * The tracker a replacement of {@code previous} carries: the past events still within the
   * interval (the last five when unlimited), plus this reschedule.
   */
  public static RescheduleTracker replacementTracker(Allocation previous,
      ReschedulePolicy policy, long now) {
    List<RescheduleEvent> past = events(previous);
    List<RescheduleEvent> kept = new ArrayList<>();
    if (policy != null && policy.attempts() > 0 && !policy.unlimited()) {
      long interval = policy.interval() == null ? 0 : policy.interval().toNanos();
      for (RescheduleEvent e : past) {
        if (interval > 0 && now - e.rescheduleTime() <= interval) {
          kept.add(e);
        }
      }
    } else {
      kept.addAll(past.subList(Math.max(0, past.size() - MAX_PAST_EVENTS), past.size()));
    }
    Duration delay = policy == null ? Duration.ZERO : nextDelay(previous, policy,
        failTime(previous));
    kept.add(new RescheduleEvent(now, previous.id(), previous.nodeId(), delay));
    return new RescheduleTracker(kept);
  }

  /**
   * The evaluation that wakes the job up when its earliest delayed reschedule is due, or null
   * when a pending one (other than {@code current}) already wakes it by then.
   */
  public static Evaluation followup(ClusterState state, Evaluation current, Job job, long at,
      Supplier<String> ids, long now) {
    for (Evaluation e : state.evalsByJob(job.namespace(), job.id())) {
      if (Evaluation.STATUS_PENDING.equals(e.status()) && e.waitUntil() > 0
          && e.waitUntil() <= at && !e.id().equals(current.id())) {
        return null;
      }
    }
    return Evaluation.builder().id(ids.get()).namespace(job.namespace()).priority(job.priority())
        .type(job.type()).triggeredBy(Evaluation.TRIGGER_ALLOC_FAILURE).jobId(job.id())
        .jobModifyIndex(job.jobModifyIndex()).status(Evaluation.STATUS_PENDING)
        .previousEval(current.id()).waitUntil(at).createTime(now).modifyTime(now).build();
  }

  /** When the allocation failed: its tasks' latest finish, else its last modification. */
  public static long failTime(Allocation a) {
    long t = 0;
    for (TaskState s : a.taskStates().values()) {
      t = Math.max(t, s.finishedAt());
    }
    return t > 0 ? t : a.modifyTime();
  }

  private static int attemptsWithin(List<RescheduleEvent> events, Duration interval,
      long failTime) {
    int n = 0;
    for (RescheduleEvent e : events) {
      if (failTime - e.rescheduleTime() < interval.toNanos()) {
        n++;
      }
    }
    return n;
  }

  private static List<RescheduleEvent> events(Allocation a) {
    return a.rescheduleTracker() == null ? List.of() : a.rescheduleTracker().events();
  }
}
