package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.scheduler.feasible.NodeCatalog;
import dev.caravan.cluster.scheduler.feasible.NodeSelector;
import dev.caravan.cluster.scheduler.feasible.NodeUsage;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.AllocDeploymentStatus;
import dev.caravan.cluster.structs.AllocMetric;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.DeploymentState;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.UpdateStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The service scheduler's pass under the update block, as Nomad's allocation reconciler
 * does it. Pure: state image, evaluation, id source and time in; plan out.
 *
 * <p>Per group, every allocation sits in a slot ({@code job.group[i]}, {@code i < count}):
 * <ul>
 *   <li>slots with nothing live are placed (initial placement, scale up) without limit;
 *   <li>an old allocation whose change is in place moves to the new version where it runs;
 *   <li>with {@code canary = N} and a destructive change, N canaries are placed beside the
 *       old allocations and nothing else is replaced until the group is promoted;
 *   <li>otherwise (no canary, or promoted) destructive updates stop an old allocation and
 *       place its replacement, at most {@code max_parallel} replacements not yet healthy at
 *       any time; a paused or failed deployment places none;
 *   <li>canaries of a failed deployment are stopped: the old allocations keep serving.
 * </ul>
 * A pass that changes anything for a version without a deployment creates one; a newer
 * version cancels the older version's active deployment. {@code max_parallel = 0} turns
 * deployments off for the group: everything is replaced at once.
 */
final class ServiceRollout {
  private ServiceRollout() {}

  static Plan plan(ClusterState state, Evaluation eval, Job job, List<Allocation> live,
      Supplier<String> ids, long now, NodeCatalog catalog) {
    List<Allocation> stops = new ArrayList<>();
    List<Allocation> placements = new ArrayList<>();
    Map<String, AllocMetric> failed = new TreeMap<>();
    Map<String, Plan.DesiredUpdates> desired = new TreeMap<>();
    NodeUsage usage = NodeUsage.forJob(state, eval.namespace(), eval.jobId());
    NodeSelector selector = new NodeSelector(catalog, usage, GenericScheduler.random(eval));

    Deployment current = null;
    List<Deployment> updates = new ArrayList<>();
    for (Deployment d : state.deploymentsByJob(job.namespace(), job.id())) {
      boolean thisVersion = d.jobVersion() == job.version()
          && d.jobCreateIndex() == job.createIndex();
      if (thisVersion && current == null) {
        current = d;
      } else if (d.isActive()) {
        updates.add(d.toBuilder().status(Deployment.STATUS_CANCELLED)
            .statusDescription(Deployment.DESCRIPTION_NEWER_JOB).build());
      }
    }
    for (Allocation a : live) {
      if (job.group(a.taskGroup()) == null) {
        stops.add(GenericScheduler.stop(a, "alloc not needed as task group was removed"));
        usage.release(a);
      }
    }
    boolean skipCanary = revertsToStable(state, job);
    Pass pass = new Pass(job, eval, current, ids, now, usage, selector, stops, placements);
    for (TaskGroup group : job.taskGroups()) {
      List<Allocation> mine = new ArrayList<>();
      for (Allocation a : live) {
        if (group.name().equals(a.taskGroup())) {
          mine.add(a);
        }
      }
      pass.group(state, group, mine, skipCanary, failed, desired);
    }
    Deployment deployment = pass.deploymentForPlan();
    Evaluation followup = pass.followupAt == Long.MAX_VALUE ? null
        : RescheduleDecider.followup(state, eval, job, pass.followupAt, ids, now);
    return new Plan(eval.id(), job, placements, stops, deployment, failed, desired,
        job.allAtOnce(), updates, followup == null ? List.of() : List.of(followup));
  }

  /**
   * True when the job's spec equals an older version that was stable (a revert to a
   * known-good version) and its update block lets such a revert skip the canary phase.
   */
  static boolean revertsToStable(ClusterState state, Job job) {
    if (job.update() != null && !job.update().revertSkipsCanary()) {
      return false;
    }
    Job spec = job.spec();
    for (Job v : state.jobVersions(job.namespace(), job.id())) {
      if (v.version() < job.version() && v.stable() && v.spec().equals(spec)) {
        return true;
      }
    }
    return false;
  }

  /** The mutable bookkeeping of one pass over the groups of one job. */
  private static final class Pass {
    final Job job;
    final Evaluation eval;
    final Deployment current;
    final Supplier<String> ids;
    final long now;
    final NodeUsage usage;
    final NodeSelector selector;
    final List<Allocation> stops;
    final List<Allocation> placements;
    /** The deployment this pass creates, per group, when the version has none yet. */
    final Map<String, DeploymentState> created = new LinkedHashMap<>();
    /** Canaries placed by this pass, per group. */
    final Map<String, List<String>> newCanaries = new TreeMap<>();
    String createdId;
    /** Failed allocations this pass replaces under their reschedule policy. */
    final Set<String> rescheduled = new TreeSet<>();
    /** The earliest delayed reschedule not yet due, or {@code Long.MAX_VALUE}. */
    long followupAt = Long.MAX_VALUE;

    Pass(Job job, Evaluation eval, Deployment current, Supplier<String> ids, long now,
        NodeUsage usage, NodeSelector selector, List<Allocation> stops,
        List<Allocation> placements) {
      this.job = job;
      this.eval = eval;
      this.current = current;
      this.ids = ids;
      this.now = now;
      this.usage = usage;
      this.selector = selector;
      this.stops = stops;
      this.placements = placements;
    }

    /** The id new and updated allocations of this version join, creating one if needed. */
    String deploymentId() {
      if (current != null) {
        return current.isActive() ? current.id() : null;
      }
      if (createdId == null) {
        createdId = ids.get();
      }
      return createdId;
    }

    void group(ClusterState state, TaskGroup group, List<Allocation> mine, boolean skipCanary,
        Map<String, AllocMetric> failed, Map<String, Plan.DesiredUpdates> desired) {
      UpdateStrategy u = group.update();
      boolean rolling = u != null && u.maxParallel() > 0;
      DeploymentState dg = current == null ? null : current.taskGroups().get(group.name());
      Set<String> canaryIds = dg == null ? Set.of() : new TreeSet<>(dg.placedCanaries());
      boolean promoted = dg != null && dg.promoted();
      boolean active = current == null || current.isActive();
      boolean paused = current != null && Deployment.STATUS_PAUSED.equals(current.status());

      int stop = 0;
      int inPlace = 0;
      int ignore = 0;
      Map<Integer, List<Allocation>> slots = new TreeMap<>();
      List<Allocation> unpromotedCanaries = new ArrayList<>();
      List<Integer> toPlace = new ArrayList<>();
      Map<Integer, Allocation> previous = new TreeMap<>();
      List<Allocation> migrating = new ArrayList<>();
      for (Allocation a : mine) {
        int i = a.index();
        boolean isNew = a.jobVersion() == job.version();
        boolean failedOrLost = Allocation.CLIENT_FAILED.equals(a.clientStatus())
            || Allocation.CLIENT_LOST.equals(a.clientStatus());
        if (i >= group.count()) {
          stops.add(GenericScheduler.stop(a, "alloc not needed due to job update"));
          usage.release(a);
          stop++;
        } else if (canaryIds.contains(a.id()) && !promoted) {
          if (!active) {
            stops.add(GenericScheduler.stop(a, "alloc is a canary of a deployment that "
                + current.status()));
            usage.release(a);
            stop++;
          } else {
            unpromotedCanaries.add(a);
          }
        } else if (Allocation.CLIENT_FAILED.equals(a.clientStatus()) && isNew
            && current != null && current.isActive() && current.id().equals(a.deploymentId())) {
          // the active deployment judges it (unhealthy): no replacement of a failing new
          // version until it ends, then the reschedule policy applies (as Nomad); a lost one
          // (its node went down) is replaced below like any other
          slots.computeIfAbsent(i, k -> new ArrayList<>()).add(a);
        } else if (failedOrLost && rescheduleNow(a, group)) {
          stops.add(GenericScheduler.stop(a, "alloc was rescheduled because it failed"));
          usage.release(a);
          previous.put(i, a);
          stop++;
        } else if (GenericScheduler.isDraining(state, a)) {
          migrating.add(a); // stopped only once its replacement is placed
        } else {
          slots.computeIfAbsent(i, k -> new ArrayList<>()).add(a);
        }
      }

      List<Allocation> destructive = new ArrayList<>();
      int unhealthyNew = 0;
      int pendingNew = 0;
      for (int i = 0; i < group.count(); i++) {
        List<Allocation> here = slots.getOrDefault(i, List.of());
        if (here.isEmpty()) {
          toPlace.add(i);
          continue;
        }
        Allocation keeper = here.get(0);
        for (Allocation a : here) {
          if (rank(a, group) > rank(keeper, group)) {
            keeper = a;
          }
        }
        for (Allocation a : here) {
          if (a != keeper) {
            stops.add(GenericScheduler.stop(a, "alloc not needed due to job update"));
            usage.release(a);
            stop++;
          }
        }
        if (keeper.jobVersion() == job.version()) {
          ignore++;
        } else if (UpdateClassifier.inPlace(keeper.job(), group)) {
          String did = rolling && active ? deploymentId() : null;
          placements.add(keeper.toBuilder().job(job).evalId(eval.id()).deploymentId(did)
              .build());
          inPlace++;
        } else {
          destructive.add(keeper);
        }
      }
      for (Allocation a : mine) {
        if (a.jobVersion() == job.version() && current != null
            && current.id().equals(a.deploymentId()) && !a.isServerTerminal()) {
          Boolean healthy = a.deploymentStatus() == null ? null : a.deploymentStatus().healthy();
          if (Boolean.FALSE.equals(healthy) || Allocation.CLIENT_FAILED.equals(a.clientStatus())) {
            unhealthyNew++;
          } else if (healthy == null) {
            pendingNew++;
          }
        }
      }

      boolean canaryPhase;
      int desiredCanaries;
      if (!rolling) {
        canaryPhase = false;
        desiredCanaries = 0;
      } else if (dg != null) {
        canaryPhase = dg.desiredCanaries() > 0 && !dg.promoted();
        desiredCanaries = dg.desiredCanaries();
      } else {
        canaryPhase = u.canary() > 0 && !skipCanary && !destructive.isEmpty() && current == null;
        desiredCanaries = canaryPhase ? u.canary() : 0;
      }

      int canaries = 0;
      int destructiveCount = 0;
      List<String> placedCanaryIds = new ArrayList<>();
      if (canaryPhase) {
        int already = dg == null ? 0 : dg.placedCanaries().size();
        int want = active && !paused ? Math.max(0, desiredCanaries - already) : 0;
        List<Integer> canarySlots = new ArrayList<>();
        for (Allocation a : destructive) {
          canarySlots.add(a.index());
        }
        ignore += destructive.size(); // the old version serves until promotion
        for (int k = 0; k < want; k++) {
          int slot = k < canarySlots.size() ? canarySlots.get(k) : k;
          Allocation placed = place(state, group, slot, null, deploymentId(), true, failed);
          if (placed != null) {
            placedCanaryIds.add(placed.id());
            canaries++;
          }
        }
      } else if (!destructive.isEmpty()) {
        int limit;
        if (!rolling) {
          limit = Integer.MAX_VALUE;
        } else if (!active || paused) {
          limit = 0;
        } else if (unhealthyNew > 0) {
          limit = 0;
        } else {
          limit = Math.max(0, u.maxParallel() - pendingNew);
        }
        for (Allocation old : destructive) {
          if (destructiveCount >= limit) {
            break;
          }
          stops.add(GenericScheduler.stop(old, "alloc is being updated due to job update"));
          usage.release(old);
          if (place(state, group, old.index(), old, rolling ? deploymentId() : null, false,
              failed) != null) {
            destructiveCount++;
          }
        }
        ignore += Math.max(0, destructive.size() - destructiveCount); // their turn comes later
      }
      int place = 0;
      for (int i : toPlace) {
        if (migrating.stream().anyMatch(m -> m.index() == i)) {
          continue;
        }
        String did = rolling && active ? deploymentId() : null;
        if (place(state, group, i, previous.get(i), did, false, failed) != null) {
          place++;
        }
      }
      for (Allocation old : migrating) {
        String did = rolling && active ? deploymentId() : null;
        if (place(state, group, old.index(), old, did, false, failed) != null) {
          stops.add(GenericScheduler.stop(old, "alloc is being migrated"));
          usage.release(old);
          place++;
          stop++;
        } else {
          ignore++; // nowhere to go: it keeps running on the draining node
        }
      }
      if (!placedCanaryIds.isEmpty()) {
        newCanaries.put(group.name(), placedCanaryIds);
      }
      if (rolling && current == null && createdId != null) {
        Duration deadline = u.progressDeadline() == null ? Duration.ZERO : u.progressDeadline();
        created.put(group.name(), new DeploymentState(u.autoRevert(), u.autoPromote(), deadline,
            deadline.isZero() ? 0 : now + deadline.toNanos(), false, placedCanaryIds,
            desiredCanaries, group.count(), 0, 0, 0));
      }
      desired.put(group.name(), new Plan.DesiredUpdates(ignore, place, 0, stop, inPlace,
          destructiveCount, canaries, 0));
    }

    /**
     * True when a lost allocation (always) or a failed one (under its reschedule policy) is
     * replaced now; a failed one not yet due stays in its slot and the earliest due time is
     * kept for a follow-up evaluation.
     */
    private boolean rescheduleNow(Allocation a, TaskGroup group) {
      if (!Allocation.CLIENT_FAILED.equals(a.clientStatus())) {
        return true;
      }
      RescheduleDecider.Decision d = RescheduleDecider.decide(a,
          RescheduleDecider.policyOf(a, group), now);
      if (d.kind() == RescheduleDecider.Kind.NOW) {
        rescheduled.add(a.id());
        return true;
      }
      if (d.kind() == RescheduleDecider.Kind.LATER) {
        followupAt = Math.min(followupAt, d.at());
      }
      return false;
    }

    /** Places one allocation in a slot, or records why it could not; returns it or null. */
    private Allocation place(ClusterState state, TaskGroup group, int slot, Allocation previous,
        String deploymentId, boolean canary, Map<String, AllocMetric> failed) {
      NodeSelector.Selection sel = selector.select(job, group);
      if (sel.node() == null) {
        AllocMetric have = failed.get(group.name());
        failed.put(group.name(), have == null ? sel.metric()
            : GenericScheduler.coalesced(have, have.coalescedFailures() + 1));
        return null;
      }
      Allocation a = Allocation.builder().id(ids.get()).namespace(job.namespace())
          .evalId(eval.id()).name(job.id() + "." + group.name() + "[" + slot + "]")
          .nodeId(sel.node().id()).nodeName(sel.node().name()).jobId(job.id()).job(job)
          .taskGroup(group.name()).allocatedResources(sel.resources())
          .previousAllocation(previous == null ? null : previous.id())
          .rescheduleTracker(previous != null && rescheduled.contains(previous.id())
              ? RescheduleDecider.replacementTracker(previous,
                  RescheduleDecider.policyOf(previous, group), now) : null)
          .deploymentId(deploymentId)
          .deploymentStatus(canary ? new AllocDeploymentStatus(null, 0, true, 0) : null)
          .createTime(now).modifyTime(now).build();
      usage.add(a);
      placements.add(a);
      return a;
    }

    /** The deployment to write with the plan: a new one, or canaries added to the current. */
    Deployment deploymentForPlan() {
      if (current == null && createdId != null) {
        Map<String, DeploymentState> groups = new LinkedHashMap<>(created);
        boolean needsCanaries = groups.values().stream().anyMatch(g -> g.desiredCanaries() > 0);
        return Deployment.builder().id(createdId).namespace(job.namespace()).jobId(job.id())
            .jobVersion(job.version()).jobModifyIndex(job.jobModifyIndex())
            .jobSpecModifyIndex(job.jobModifyIndex()).jobCreateIndex(job.createIndex())
            .taskGroups(groups).status(Deployment.STATUS_RUNNING)
            .statusDescription(needsCanaries && groups.values().stream()
                .anyMatch(g -> g.desiredCanaries() > 0 && !g.autoPromote())
                ? Deployment.DESCRIPTION_NEEDS_PROMOTION : Deployment.DESCRIPTION_RUNNING)
            .build();
      }
      if (current != null && !newCanaries.isEmpty()) {
        Map<String, DeploymentState> groups = new LinkedHashMap<>();
        newCanaries.forEach((name, placed) -> groups.put(name, new DeploymentState(false, false,
            null, 0, false, placed, 0, 0, 0, 0, 0)));
        return current.toBuilder().taskGroups(groups).build();
      }
      return null;
    }

  /**
   * Which of two allocations in one slot to keep: the job's version first, then one that
   * runs the group's current spec (so that a revert keeps the old allocations, not a canary
   * of the failed version), then running, then healthy.
   */
  private int rank(Allocation a, TaskGroup group) {
    int r = 0;
    if (a.jobVersion() == job.version()) {
      r += 8;
    }
    if (UpdateClassifier.inPlace(a.job(), group)) {
      r += 4;
    }
    if (Allocation.CLIENT_RUNNING.equals(a.clientStatus())) {
      r += 2;
    }
    if (a.deploymentStatus() != null && Boolean.TRUE.equals(a.deploymentStatus().healthy())) {
      r += 1;
    }
    return r;
  }
  }
}
