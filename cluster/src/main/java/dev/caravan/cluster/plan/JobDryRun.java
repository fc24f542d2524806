package dev.caravan.cluster.plan;

import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.cluster.scheduler.PlanResult;
import dev.caravan.cluster.scheduler.Planner;
import dev.caravan.cluster.scheduler.SchedulerFactory;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The scheduler's dry run for one job: the register (or stop) is applied to a private copy of
 * the state image with the real apply switch, then the scheduler of the job's type
 * ({@link SchedulerFactory}) processes its evaluation against a planner that only records.
 * Nothing reaches Raft; the live image is never changed.
 */
public final class JobDryRun {
  private JobDryRun() {}

  /**
   * What the scheduler would do.
   *
   * @param plan the plan it computed (even when it would change nothing)
   * @param createdEvals the evaluations it would create (blocked, delayed follow-ups)
   */
  public record Result(Plan plan, List<Evaluation> createdEvals) {
    public Result {
      createdEvals = List.copyOf(createdEvals);
    }
  }

  /**
   * Dry-runs registering {@code job} (defaults applied, validated).
   *
   * @throws IllegalArgumentException when the state is not an image this process can copy
   * @throws InterruptedException when interrupted
   */
  public static Result register(ClusterState state, Job job, long now, Supplier<String> ids)
      throws InterruptedException {
    Evaluation eval = eval(job.namespace(), job.id(), job.type(), job.priority(),
        Evaluation.TRIGGER_JOB_REGISTER, now, ids);
    return run(state, new Command.JobRegister(job, false, 0, eval, now), eval, now, ids);
  }

  /** Dry-runs stopping a job (without purge). */
  public static Result deregister(ClusterState state, String namespace, String jobId, long now,
      Supplier<String> ids) throws InterruptedException {
    String ns = namespace == null ? "default" : namespace;
    Job live = state.job(ns, jobId).orElse(null);
    Evaluation eval = eval(ns, jobId, live == null ? Job.TYPE_SERVICE : live.type(),
        live == null ? 50 : live.priority(), Evaluation.TRIGGER_JOB_DEREGISTER, now, ids);
    return run(state, new Command.JobDeregister(ns, jobId, false, eval, now), eval, now, ids);
  }

  private static Evaluation eval(String ns, String jobId, String type, int priority,
      String trigger, long now, Supplier<String> ids) {
    return Evaluation.builder().id(ids.get()).namespace(ns == null ? "default" : ns)
        .jobId(jobId).type(type).priority(priority).triggeredBy(trigger)
        .status(Evaluation.STATUS_PENDING).createTime(now).modifyTime(now).build();
  }

  private static Result run(ClusterState state, Command command, Evaluation eval, long now,
      Supplier<String> ids) throws InterruptedException {
    if (!(state instanceof StateImage image)) {
      throw new IllegalArgumentException("a dry run needs a state image, got "
          + (state == null ? "null" : state.getClass().getSimpleName()));
    }
    StateImage next = StateMachineCore.apply(image, image.index() + 1, command);
    Recorder recorder = new Recorder(next.index());
    Clock clock = Clock.fixed(Instant.ofEpochSecond(0, now), ZoneOffset.UTC);
    new SchedulerFactory(() -> next, recorder, ids, clock).forEval(eval).process(eval);
    Plan plan = recorder.plan != null ? recorder.plan
        // a scheduler does not submit a plan that changes nothing: ask for its counts
        : SchedulerFactory.computePlan(next, eval, ids, clock.millis() * 1_000_000L);
    return new Result(plan, recorder.created);
  }

  /** A planner that accepts every plan whole and keeps what it was given. */
  private static final class Recorder implements Planner {
    private final long index;
    Plan plan;
    final List<Evaluation> created = new ArrayList<>();

    Recorder(long index) {
      this.index = index;
    }

    @Override
    public PlanResult submitPlan(Plan p) {
      plan = p;
      return new PlanResult(p.placements(), p.stops(), index, false, index);
    }

    @Override
    public void updateEval(Evaluation eval) {
      // the dry run's own evaluation is never stored
    }

    @Override
    public void createEval(Evaluation eval) {
      created.add(eval);
    }
  }
}
