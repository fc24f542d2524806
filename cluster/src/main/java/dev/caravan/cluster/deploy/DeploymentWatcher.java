package dev.caravan.cluster.deploy;

import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.DeploymentState;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's deployment watcher: a level-triggered loop that, after every applied index (or
 * at least every {@link #TICK} for deadlines), re-reads every active deployment and proposes
 * what {@link DeploymentDecider} decides. It keeps no state of its own: everything it knows is
 * in the Raft image, so a new leader simply carries on. Its writes are check-and-set on the
 * deployment's modify index, so a decision made on a stale image changes nothing and is made
 * again on the next pass.
 *
 * <p>A pass skips a deployment whose last decision was "nothing changes" when neither the
 * deployment, its job's versions nor its job's allocations changed since, and no progress
 * deadline of it has passed since: the decider would decide the same. This is a cache of
 * decisions only (lost with leadership, rebuilt by the next pass).
 */
public final class DeploymentWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(DeploymentWatcher.class);
  /** How long the watcher sleeps without a new index before it re-checks deadlines. */
  static final Duration TICK = Duration.ofMillis(500);

  /** What the watcher needs of the server it runs in. */
  public interface Port {
    ClusterState awaitIndex(long minIndex, Duration maxWait) throws InterruptedException;

    /** Proposes a command and returns once it is applied locally. */
    void propose(Command command) throws ClusterException;

    boolean isLeader();
  }

  private final Port port;
  private final Clock clock;
  private final Supplier<String> ids;
  private volatile Thread thread;
  /** Deployments decided "nothing changes", by id, with what that decision read. */
  private Map<String, Unchanged> unchanged = new HashMap<>();

  /** What a "nothing changes" decision read, by identity; valid while {@code now <= until}. */
  private record Unchanged(Deployment deployment, List<Job> versions, Object allocs,
      long until) {
    boolean holds(Deployment d, List<Job> v, Object a, long now) {
      return deployment == d && versions == v && allocs == a && now <= until;
    }
  }

  public DeploymentWatcher(Port port, Clock clock, Supplier<String> ids) {
    this.port = port;
    this.clock = clock;
    this.ids = ids;
  }

  /** Starts watching (on gaining leadership). */
  public synchronized void start(String name) {
    stop();
    Thread t = new Thread(this::loop, "caravan-deployment-watcher-" + name);
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /** Stops watching (on losing leadership or closing). */
  public synchronized void stop() {
    Thread t = thread;
    thread = null;
    if (t != null) {
      t.interrupt();
    }
  }

  private void loop() {
    long seen = -1;
    while (thread == Thread.currentThread() && port.isLeader()) {
      try {
        ClusterState s = port.awaitIndex(seen, TICK);
        seen = s.index();
        pass(s);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("deployment watcher pass failed", e);
        sleep();
      }
    }
  }

  /** One pass over every active deployment of one image. */
  void pass(ClusterState s) throws InterruptedException {
    long now = clock.millis() * 1_000_000L;
    Map<String, Unchanged> was = unchanged;
    Map<String, Unchanged> next = new HashMap<>();
    unchanged = next;
    StateImage image = s instanceof StateImage i ? i : null;
    for (Deployment d : s.deployments()) {
      if (!d.isActive()) {
        continue;
      }
      List<Job> versions = null;
      Object allocs = null;
      if (image != null) {
        versions = image.jobVersions(d.namespace(), d.jobId());
        allocs = image.allocsByJobToken(d.namespace(), d.jobId());
        Unchanged u = was.get(d.id());
        if (u != null && u.holds(d, versions, allocs, now)) {
          next.put(d.id(), u);
          continue;
        }
      }
      var decision = DeploymentDecider.decide(s, d, now);
      if (decision.isEmpty()) {
        if (image != null) {
          next.put(d.id(), new Unchanged(d, versions, allocs, nextDeadline(d, now)));
        }
        continue;
      }
      try {
        port.propose(command(decision.get(), now));
      } catch (ClusterException e) {
        LOG.warn("deployment {}: cannot record decision: {}", d.id(), e.getMessage());
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /**
   * Until when a "nothing changes" decision made at {@code now} holds by time alone: up to the
   * first progress deadline not yet passed. Time enters the decider only as "now is past a
   * group's deadline", so a deadline already passed at {@code now} cannot change it later.
   */
  static long nextDeadline(Deployment d, long now) {
    long until = Long.MAX_VALUE;
    for (DeploymentState g : d.taskGroups().values()) {
      long by = g.requireProgressBy();
      if (by > 0 && by >= now) {
        until = Math.min(until, by);
      }
    }
    return until;
  }

  private Command command(DeploymentDecider.Decision decision, long now) {
    Deployment d = decision.deployment();
    Evaluation eval = null;
    Command.JobRegister revert = null;
    Job revertTo = decision.revertTo();
    if (revertTo != null) {
      eval = evalFor(d, revertTo, Evaluation.TRIGGER_JOB_REGISTER, now);
      revert = new Command.JobRegister(revertTo.spec(), true, d.jobModifyIndex(), eval, now);
      eval = null; // the register carries its own evaluation
    } else if (decision.evaluate()) {
      eval = evalFor(d, null, Evaluation.TRIGGER_DEPLOYMENT_WATCHER, now);
    }
    if (!Deployment.STATUS_RUNNING.equals(d.status()) && !Deployment.STATUS_PAUSED.equals(d.status())) {
      LOG.info("deployment {} of job {} version {}: {} ({})", d.id(), d.jobId(), d.jobVersion(),
          d.status(), d.statusDescription());
    }
    return new Command.DeploymentUpdate(d, eval, revert, now);
  }

  private Evaluation evalFor(Deployment d, Job job, String trigger, long now) {
    return Evaluation.builder().id(ids.get()).namespace(d.namespace())
        .priority(job == null ? 50 : job.priority()).type(Job.TYPE_SERVICE)
        .triggeredBy(trigger).jobId(d.jobId()).deploymentId(d.id())
        .status(Evaluation.STATUS_PENDING).createTime(now).modifyTime(now).build();
  }

  private static void sleep() {
    try {
      Thread.sleep(TICK.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
