package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.scheduler.feasible.NodeCatalog;
import dev.caravan.cluster.scheduler.feasible.NodeSelector;
import dev.caravan.cluster.scheduler.feasible.NodeUsage;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.AllocMetric;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.TaskGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The service and batch scheduler. {@link #computePlan} is pure (state image, eval, id source,
 * time in; plan out); {@link #process} submits it through the {@link Planner} and retries on
 * fresher state when the applier refused part of it.
 */
public final class GenericScheduler implements Scheduler {
  /** Nomad's trigger for the follow-up of an evaluation whose plans kept being refused. */
  static final String TRIGGER_MAX_PLAN_ATTEMPTS = "max-plan-attempts";

  private final Supplier<ClusterState> state;
  private final Planner planner;
  private final Supplier<String> ids;
  private final java.time.Clock clock;
  private final NodeCatalog.Cache catalogs;

  public GenericScheduler(Supplier<ClusterState> state, Planner planner, Supplier<String> ids,
      java.time.Clock clock) {
    this(state, planner, ids, clock, new NodeCatalog.Cache());
  }

  /** A scheduler sharing the static feasibility of node sets through {@code catalogs}. */
  public GenericScheduler(Supplier<ClusterState> state, Planner planner, Supplier<String> ids,
      java.time.Clock clock, NodeCatalog.Cache catalogs) {
    this.state = state;
    this.planner = planner;
    this.ids = ids;
    this.clock = clock;
    this.catalogs = catalogs;
  }

  @Override
  public void process(Evaluation eval) throws InterruptedException {
    EvalRun.process(eval, (s, e, i, now) -> computePlan(s, e, i, now, catalogs.of(s)), state,
        planner, ids, clock);
  }

  /** The plan for one evaluation against one state image. Pure. */
  public static Plan computePlan(ClusterState state, Evaluation eval, Supplier<String> ids,
      long now) {
    return computePlan(state, eval, ids, now, NodeCatalog.of(state.nodes()));
  }

  /**
   * As {@link #computePlan(ClusterState, Evaluation, Supplier, long)} with the catalog of the
   * state's nodes (its memo of static feasibility possibly shared with other passes).
   */
  static Plan computePlan(ClusterState state, Evaluation eval, Supplier<String> ids,
      long now, NodeCatalog catalog) {
    Job job = state.job(eval.namespace(), eval.jobId()).orElse(null);
    List<Allocation> live = new ArrayList<>();
    for (Allocation a : state.allocsByJob(eval.namespace(), eval.jobId())) {
      if (!a.isServerTerminal()) {
        live.add(a);
      }
    }
    List<Allocation> stops = new ArrayList<>();
    List<Allocation> placements = new ArrayList<>();
    Map<String, AllocMetric> failed = new TreeMap<>();
    Map<String, Plan.DesiredUpdates> desired = new TreeMap<>();
    // periodic and parameterized parents only launch children; they never run themselves
    if (job == null || job.stop() || job.isPeriodic() || job.isParameterized()) {
      for (Allocation a : live) {
        stops.add(stop(a, "alloc not needed as job is stopped"));
      }
      List<Deployment> cancel = new ArrayList<>();
      for (Deployment d : state.deploymentsByJob(eval.namespace(), eval.jobId())) {
        if (d.isActive()) {
          cancel.add(d.toBuilder().status(Deployment.STATUS_CANCELLED)
              .statusDescription(Deployment.DESCRIPTION_STOPPED_JOB).build());
        }
      }
      return new Plan(eval.id(), job, List.of(), stops, null, null, null, false, cancel);
    }
    if (Job.TYPE_SERVICE.equals(job.type())) {
      return ServiceRollout.plan(state, eval, job, live, ids, now, catalog);
    }
    NodeUsage usage = NodeUsage.forJob(state, eval.namespace(), eval.jobId());
    NodeSelector selector = new NodeSelector(catalog, usage, random(eval));
    for (Allocation a : live) {
      if (job.group(a.taskGroup()) == null) {
        stops.add(stop(a, "alloc not needed as task group was removed"));
      }
    }
    boolean batch = Job.TYPE_BATCH.equals(job.type());
    java.util.Set<String> rescheduled = new java.util.HashSet<>();
    long followupAt = Long.MAX_VALUE;
    for (TaskGroup group : job.taskGroups()) {
      Map<Integer, Allocation> kept = new TreeMap<>();
      int place = 0;
      int stop = 0;
      int destructive = 0;
      int ignore = 0;
      int inPlace = 0;
      List<Integer> toPlace = new ArrayList<>();
      Map<Integer, Allocation> migrating = new TreeMap<>();
      for (Allocation a : live) {
        if (!group.name().equals(a.taskGroup())) {
          continue;
        }
        int i = a.index();
        RescheduleDecider.Decision resched = Allocation.CLIENT_FAILED.equals(a.clientStatus())
            ? RescheduleDecider.decide(a, RescheduleDecider.policyOf(a, group), now) : null;
        if (i >= group.count() || kept.containsKey(i)) {
          stops.add(stop(a, "alloc not needed due to job update"));
          usage.release(a);
          stop++;
        } else if (batch && Allocation.CLIENT_COMPLETE.equals(a.clientStatus())) {
          kept.put(i, a);
          ignore++;
        } else if (Allocation.CLIENT_LOST.equals(a.clientStatus())
            || (resched != null && resched.kind() == RescheduleDecider.Kind.NOW)) {
          stops.add(stop(a, "alloc was rescheduled because it failed"));
          usage.release(a);
          toPlace.add(i);
          kept.put(i, a);
          if (resched != null) {
            rescheduled.add(a.id());
          }
        } else if (resched != null) {
          // not yet due (a follow-up evaluation waits for it) or out of attempts: it stays
          kept.put(i, a);
          ignore++;
          if (resched.kind() == RescheduleDecider.Kind.LATER) {
            followupAt = Math.min(followupAt, resched.at());
          }
        } else if (!batch && isDraining(state, a)) {
          migrating.put(i, a); // stopped only once its replacement is placed
          toPlace.add(i);
          kept.put(i, a);
        } else if (a.jobVersion() != job.version() && !a.isClientTerminal()
            && UpdateClassifier.inPlace(a.job(), group)) {
          placements.add(a.toBuilder().job(job).evalId(eval.id()).build());
          kept.put(i, a);
          inPlace++;
        } else if (a.jobVersion() != job.version() && !a.isClientTerminal()) {
          stops.add(stop(a, "alloc is being updated due to job update"));
          usage.release(a);
          toPlace.add(i);
          kept.put(i, a);
          destructive++;
        } else {
          kept.put(i, a);
          ignore++;
        }
      }
      for (int i = 0; i < group.count(); i++) {
        if (!kept.containsKey(i)) {
          toPlace.add(i);
        }
      }
      toPlace.sort(Comparator.naturalOrder());
      AllocMetric firstFailure = null;
      int failures = 0;
      for (int i : toPlace) {
        Allocation previous = kept.get(i);
        if (firstFailure != null) {
          failures++; // usage only grows within a pass: the rest of the group fails alike
          continue;
        }
        NodeSelector.Selection sel = selector.select(job, group);
        if (sel.node() == null) {
          failures++;
          firstFailure = sel.metric();
          continue;
        }
        Allocation a = Allocation.builder().id(ids.get()).namespace(job.namespace())
            .evalId(eval.id()).name(job.id() + "." + group.name() + "[" + i + "]")
            .nodeId(sel.node().id()).nodeName(sel.node().name()).jobId(job.id()).job(job)
            .taskGroup(group.name()).allocatedResources(sel.resources())
            .previousAllocation(previous == null ? null : previous.id())
            .rescheduleTracker(previous != null && rescheduled.contains(previous.id())
                ? RescheduleDecider.replacementTracker(previous,
                    RescheduleDecider.policyOf(previous, group), now) : null)
            .createTime(now).modifyTime(now).build();
        usage.add(a);
        placements.add(a);
        place++;
        Allocation migrated = migrating.get(i);
        if (migrated != null) {
          stops.add(stop(migrated, "alloc is being migrated"));
          usage.release(migrated);
        }
      }
      if (failures > 0) {
        failed.put(group.name(), coalesced(firstFailure, failures - 1));
      }
      desired.put(group.name(), new Plan.DesiredUpdates(ignore, place - destructive, 0, stop, inPlace,
          destructive, 0, 0));
    }
    Evaluation followup = followupAt == Long.MAX_VALUE ? null
        : RescheduleDecider.followup(state, eval, job, followupAt, ids, now);
    return new Plan(eval.id(), job, placements, stops, null, failed, desired, job.allAtOnce(),
        List.of(), followup == null ? List.of() : List.of(followup));
  }


  /**
   * The evaluation that finishes the work of one whose last plan the applier still refused in
   * part (other workers' plans filled its nodes first): pending, so it is scheduled again on
   * fresher state, as Nomad's {@code max-plan-attempts} follow-up.
   */
  static Evaluation followUp(Evaluation eval, String id) {
    return eval.toBuilder().id(id).status(Evaluation.STATUS_PENDING)
        .triggeredBy(TRIGGER_MAX_PLAN_ATTEMPTS).previousEval(eval.id()).failedTgAllocs(Map.of())
        .blockedEval(null).createIndex(0).modifyIndex(0).build();
  }

  static Allocation stop(Allocation a, String why) {
    return a.toBuilder().desiredStatus(Allocation.DESIRED_STOP).desiredDescription(why).build();
  }

  /** True when the allocation's node is draining: service allocations migrate away. */
  static boolean isDraining(ClusterState state, Allocation a) {
    return a.nodeId() != null && !a.isClientTerminal()
        && state.node(a.nodeId()).map(n -> n.drainStrategy() != null).orElse(false);
  }

  /** The scheduler's random source for one evaluation: seeded by its id, so passes replay. */
  static java.util.random.RandomGenerator random(Evaluation eval) {
    return new java.util.SplittableRandom(eval.id() == null ? 0 : eval.id().hashCode());
  }

  static AllocMetric coalesced(AllocMetric m, int more) {
    return new AllocMetric(m.nodesEvaluated(), m.nodesFiltered(), m.nodesAvailable(),
        m.classFiltered(), m.constraintFiltered(), m.nodesExhausted(), m.classExhausted(),
        m.dimensionExhausted(), more);
  }
}
