package dev.caravan.cluster.server;

import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.cluster.scheduler.PlanResult;
import dev.caravan.cluster.scheduler.feasible.NodeUsage;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.structs.AllocatedResources;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's plan applier, as Nomad's: plans from every scheduler worker go through one
 * queue; each is re-checked against the latest state, touching only the nodes its placements
 * name (capacity, ports, node still schedulable), so that plans computed in parallel on older
 * state never over-commit a node: what no longer fits is refused and the scheduler retries on
 * fresher state (optimistic concurrency). Plans that queued up while the previous ones were
 * committing are checked together, each against the state plus what the plans before it in
 * the batch placed, and their Raft entries are proposed concurrently (Ratis appends them in
 * one go); the next batch is checked only once all of them are applied.
 */
final class PlanApplier {
  private static final Logger LOG = LoggerFactory.getLogger(PlanApplier.class);
  /** Most plans checked and committed together. */
  static final int MAX_BATCH = 32;

  /** What the applier needs from the server. */
  interface Port {
    ClusterState state();

    long propose(Command command) throws ClusterException;

    long now();
  }

  /** The outcome of checking one plan: what to commit and whether part of it was refused. */
  record Checked(List<Allocation> accepted, List<Allocation> stops, boolean partial) {}

  private record Pending(Plan plan, CompletableFuture<PlanResult> result) {}

  private final Port port;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final ExecutorService committers;
  private final Thread thread;
  private volatile boolean running = true;

  PlanApplier(Port port, String name) {
    this.port = port;
    this.committers = Executors.newFixedThreadPool(MAX_BATCH, r -> {
      Thread t = new Thread(r, "caravan-plan-commit-" + name);
      t.setDaemon(true);
      return t;
    });
    this.thread = new Thread(this::loop, "caravan-plan-applier-" + name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Submits a plan and waits until it is committed (or refused). */
  PlanResult submit(Plan plan) throws InterruptedException {
    CompletableFuture<PlanResult> result = new CompletableFuture<>();
    if (!running) {
      throw new InterruptedException("plan applier stopped");
    }
    queue.add(new Pending(plan, result));
    try {
      return result.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("plan apply failed: " + cause.getMessage(), cause);
    }
  }

  void stop() {
    running = false;
    thread.interrupt();
    committers.shutdownNow();
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    for (Pending p : left) {
      p.result().completeExceptionally(new IllegalStateException("plan applier stopped"));
    }
  }

  private void loop() {
    List<Pending> batch = new ArrayList<>();
    while (running) {
      batch.clear();
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      try {
        applyBatch(batch);
      } catch (InterruptedException e) {
        batch.forEach(p -> p.result().completeExceptionally(
            new IllegalStateException("plan applier stopped")));
        break;
      } catch (RuntimeException e) {
        LOG.error("plan batch failed", e);
        batch.forEach(p -> p.result().completeExceptionally(e));
      }
    }
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(p -> p.result().completeExceptionally(
        new IllegalStateException("plan applier stopped")));
  }

  private void applyBatch(List<Pending> batch) throws InterruptedException {
    ClusterState s = port.state();
    NodeUsage usage = NodeUsage.resourcesOf(s);
    List<Future<Long>> commits = new ArrayList<>(batch.size());
    List<Checked> checked = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      Plan plan = p.plan();
      Checked c = check(plan, s, usage);
      checked.add(c);
      Command.PlanApply apply = new Command.PlanApply(plan.evalId(), slim(c.accepted(), s),
          c.stops(), port.now());
      Command command = plan.deployment() == null && plan.deploymentUpdates().isEmpty() ? apply
          : new Command.DeploymentPlanApply(apply, plan.deployment(), plan.deploymentUpdates());
      commits.add(batch.size() == 1 ? proposeNow(command)
          : committers.submit(() -> port.propose(command)));
    }
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      Checked c = checked.get(i);
      try {
        long index = commits.get(i).get();
        p.result().complete(new PlanResult(c.accepted(), c.stops(), index, c.partial(), index));
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() instanceof ClusterException ce
            ? new IllegalStateException("plan apply failed: " + ce.getMessage(), ce)
            : e.getCause();
        p.result().completeExceptionally(cause);
      }
    }
  }

  private CompletableFuture<Long> proposeNow(Command command) {
    try {
      return CompletableFuture.completedFuture(port.propose(command));
    } catch (ClusterException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Re-checks one plan against the state plus what {@code usage} already holds (the plans
   * checked before it), and records what it accepts in {@code usage}. Stops are always
   * kept; placements that no longer fit or whose node is gone or unschedulable are refused;
   * an all-at-once plan with a refusal commits nothing. Pure apart from {@code usage}.
   */
  static Checked check(Plan plan, ClusterState s, NodeUsage usage) {
    List<Allocation> released = new ArrayList<>();
    for (Allocation stop : plan.stops()) {
      s.alloc(stop.id()).filter(a -> !a.isTerminal()).ifPresent(a -> {
        usage.release(a);
        released.add(a);
      });
    }
    // an in-place update replaces what its allocation already holds
    for (Allocation p : plan.placements()) {
      s.alloc(p.id()).filter(a -> !a.isTerminal()).ifPresent(a -> {
        usage.release(a);
        released.add(a);
      });
    }
    List<Allocation> accepted = new ArrayList<>();
    boolean partial = false;
    for (Allocation p : plan.placements()) {
      Node node = s.node(p.nodeId()).orElse(null);
      AllocatedResources ask = p.allocatedResources();
      boolean ok = node != null && node.isSchedulable()
          && (ask == null || usage.exhaustedDimension(node, ask) == null);
      if (ok) {
        usage.add(p);
        accepted.add(p);
      } else {
        partial = true;
      }
    }
    if (partial && plan.allAtOnce()) {
      accepted.forEach(usage::release);
      released.forEach(usage::add);
      return new Checked(List.of(), List.of(), true);
    }
    return new Checked(accepted, plan.stops(), partial);
  }

  /**
   * Placements without their job when it is the job's latest version (apply links them to
   * it): a plan of 100 placements no longer writes the job 100 times into the log.
   */
  private static List<Allocation> slim(List<Allocation> placements, ClusterState s) {
    List<Allocation> out = new ArrayList<>(placements.size());
    Job latest = null;
    for (Allocation p : placements) {
      if (p.job() == null) {
        out.add(p);
        continue;
      }
      if (latest == null || !latest.id().equals(p.jobId())
          || !sameNamespace(latest.namespace(), p.namespace())) {
        latest = s.job(p.namespace(), p.jobId()).orElse(null);
      }
      boolean isLatest = latest != null && latest.version() == p.job().version()
          && latest.jobModifyIndex() == p.job().jobModifyIndex();
      out.add(isLatest ? p.toBuilder().job(null).build() : p);
    }
    return out;
  }

  private static boolean sameNamespace(String a, String b) {
    return (a == null ? "default" : a).equals(b == null ? "default" : b);
  }
}
