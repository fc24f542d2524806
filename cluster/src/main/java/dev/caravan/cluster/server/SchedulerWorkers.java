package dev.caravan.cluster.server;

import dev.caravan.cluster.scheduler.EvalBroker;
import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.cluster.scheduler.PlanResult;
import dev.caravan.cluster.scheduler.Planner;
import dev.caravan.cluster.scheduler.SchedulerFactory;
import dev.caravan.cluster.scheduler.feasible.NodeCatalog;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.structs.Evaluation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's scheduling services: {@code workers} threads that take evaluations from the
 * broker (one in flight per job) and compute plans in parallel on the state image of the
 * moment, one {@link PlanApplier} that re-checks and commits their plans, and one writer that
 * commits evaluation status changes (complete, blocked, follow-ups) of every worker together
 * in one Raft entry. Started when leadership is gained, stopped when it is lost.
 */
final class SchedulerWorkers {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerWorkers.class);
  /** Most evaluation updates in one Raft entry. */
  static final int MAX_EVAL_BATCH = 256;
  private static final int EVAL_WRITE_ATTEMPTS = 3;

  private final EvalBroker broker;
  private final PlanApplier.Port port;
  private final Supplier<String> ids;
  private final Clock clock;
  private final PlanApplier applier;
  private final List<Thread> threads = new ArrayList<>();
  private final BlockingQueue<Evaluation> evalUpdates = new LinkedBlockingQueue<>();
  /** Static feasibility per node set, shared by every worker of this leadership. */
  private final NodeCatalog.Cache catalogs = new NodeCatalog.Cache();
  private volatile boolean running = true;

  private SchedulerWorkers(EvalBroker broker, PlanApplier.Port port, Supplier<String> ids,
      Clock clock, String name) {
    this.broker = broker;
    this.port = port;
    this.ids = ids;
    this.clock = clock;
    this.applier = new PlanApplier(port, name);
  }

  /** Starts {@code workers} scheduler threads, the plan applier and the eval writer. */
  static SchedulerWorkers start(EvalBroker broker, PlanApplier.Port port, Supplier<String> ids,
      Clock clock, String name, int workers) {
    SchedulerWorkers w = new SchedulerWorkers(broker, port, ids, clock, name);
    for (int i = 0; i < Math.max(1, workers); i++) {
      w.threads.add(daemon(w::workerLoop, "caravan-scheduler-" + name + "-" + i));
    }
    w.threads.add(daemon(w::evalWriterLoop, "caravan-eval-writer-" + name));
    w.threads.forEach(Thread::start);
    return w;
  }

  /** Scheduler workers for this machine: one per core, as Nomad's {@code num_schedulers}. */
  static int defaultWorkers() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  void stop() {
    running = false;
    threads.forEach(Thread::interrupt);
    applier.stop();
  }

  private void workerLoop() {
    Planner planner = new QueuedPlanner();
    SchedulerFactory schedulers = new SchedulerFactory(port::state, planner, ids, clock,
        catalogs);
    while (running && !Thread.currentThread().isInterrupted()) {
      Evaluation eval;
      try {
        eval = broker.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        schedulers.forEval(eval).process(eval);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (running) {
          LOG.error("scheduling eval {} failed", eval.id(), e);
        }
      } finally {
        broker.ack(eval);
      }
    }
  }

  /**
   * Commits queued evaluation updates, as many as are waiting, in one {@code EvalUpsert}.
   * A worker does not wait for its evaluation's status to be written; if the write fails the
   * evaluation stays pending in the state and the next leader schedules it again.
   */
  private void evalWriterLoop() {
    List<Evaluation> batch = new ArrayList<>();
    while (running) {
      batch.clear();
      try {
        batch.add(evalUpdates.take());
      } catch (InterruptedException e) {
        return;
      }
      evalUpdates.drainTo(batch, MAX_EVAL_BATCH - 1);
      for (int attempt = 1; attempt <= EVAL_WRITE_ATTEMPTS && running; attempt++) {
        try {
          port.propose(new Command.EvalUpsert(List.copyOf(batch), port.now()));
          break;
        } catch (ClusterException e) {
          if (attempt == EVAL_WRITE_ATTEMPTS) {
            LOG.warn("writing {} evaluation updates failed: {}", batch.size(), e.getMessage());
          }
        }
      }
    }
  }

  /** Plans go through the applier; evaluation updates through the batched writer. */
  private final class QueuedPlanner implements Planner {
    @Override
    public PlanResult submitPlan(Plan plan) throws InterruptedException {
      return applier.submit(plan);
    }

    @Override
    public void updateEval(Evaluation eval) {
      evalUpdates.add(eval);
    }

    @Override
    public void createEval(Evaluation eval) {
      evalUpdates.add(eval);
    }
  }
}
