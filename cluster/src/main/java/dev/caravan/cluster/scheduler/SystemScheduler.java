package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.scheduler.feasible.NodeSelector;
import dev.caravan.cluster.scheduler.feasible.NodeUsage;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.AllocMetric;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.TaskGroup;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The {@code system} and {@code sysbatch} scheduler: one allocation of each group on every node
 * that is in scope (ready, eligible, not draining, in the job's datacenters and pool) and
 * feasible. Nodes that join later get theirs from the evaluation their registration creates.
 * A {@code sysbatch} allocation that completed is not run again on that node for the same job
 * version. Allocations on nodes that left scope are stopped, except on nodes that are merely
 * ineligible (Nomad keeps system allocations there) or draining with {@code IgnoreSystemJobs}.
 *
 * <p>{@link #computePlan} is pure; {@link #process} submits through the {@link Planner}.
 */
public final class SystemScheduler implements Scheduler {

  private final Supplier<ClusterState> state;
  private final Planner planner;
  private final Supplier<String> ids;
  private final Clock clock;

  public SystemScheduler(Supplier<ClusterState> state, Planner planner, Supplier<String> ids,
      Clock clock) {
    this.state = state;
    this.planner = planner;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public void process(Evaluation eval) throws InterruptedException {
    EvalRun.process(eval, SystemScheduler::computePlan, state, planner, ids, clock);
  }

  /** The plan for one evaluation of a system or sysbatch job. Pure. */
  public static Plan computePlan(ClusterState state, Evaluation eval, Supplier<String> ids,
      long now) {
    Job job = state.job(eval.namespace(), eval.jobId()).orElse(null);
    List<Allocation> all = state.allocsByJob(eval.namespace(), eval.jobId());
    List<Allocation> stops = new ArrayList<>();
    List<Allocation> placements = new ArrayList<>();
    if (job == null || job.stop()) {
      for (Allocation a : all) {
        if (!a.isServerTerminal()) {
          stops.add(stop(a, "alloc not needed as job is stopped"));
        }
      }
      return new Plan(eval.id(), job, List.of(), stops, null, null, null, false);
    }
    boolean sysbatch = Job.TYPE_SYSBATCH.equals(job.type());
    NodeUsage usage = NodeUsage.forJobAllNodes(state, eval.namespace(), eval.jobId());
    // node id + '\0' + group -> live allocation, and the groups already completed there
    Map<String, Allocation> live = new HashMap<>();
    Map<String, Boolean> completed = new HashMap<>();
    for (Allocation a : all) {
      String key = a.nodeId() + '\0' + a.taskGroup();
      if (sysbatch && Allocation.CLIENT_COMPLETE.equals(a.clientStatus())
          && a.jobVersion() == job.version()) {
        completed.put(key, true);
      }
      if (a.isServerTerminal()) {
        continue;
      }
      Node node = state.node(a.nodeId()).orElse(null);
      TaskGroup group = job.group(a.taskGroup());
      if (group == null) {
        stops.add(stop(a, "alloc not needed as task group was removed"));
        usage.release(a);
      } else if (node == null || !keepsSystemAllocs(node, job, group)) {
        stops.add(stop(a, "alloc not needed as node is no longer eligible for it"));
        usage.release(a);
      } else if (Allocation.CLIENT_FAILED.equals(a.clientStatus()) && !sysbatch) {
        stops.add(stop(a, "alloc was rescheduled because it failed"));
        usage.release(a);
      } else if (a.jobVersion() != job.version() && a.isClientTerminal()) {
        continue; // done with an older version: a new version runs again
      } else if (a.jobVersion() != job.version()
          && UpdateClassifier.inPlace(a.job(), group)) {
        placements.add(a.toBuilder().job(job).evalId(eval.id()).build());
        live.put(key, a);
      } else if (a.jobVersion() != job.version()) {
        stops.add(stop(a, "alloc is being updated due to job update"));
        usage.release(a);
      } else if (live.containsKey(key)) {
        stops.add(stop(a, "alloc not needed: a node runs one per group"));
        usage.release(a);
      } else {
        live.put(key, a);
      }
    }
    Map<String, AllocMetric> failed = new TreeMap<>();
    Map<String, Plan.DesiredUpdates> desired = new TreeMap<>();
    java.util.random.RandomGenerator random = GenericScheduler.random(eval);
    for (TaskGroup group : job.taskGroups()) {
      int place = 0;
      int failures = 0;
      AllocMetric metric = null;
      for (Node node : state.nodes()) {
        String key = node.id() + '\0' + group.name();
        if (live.containsKey(key) || completed.containsKey(key) || !NodeSelector.inScope(node, job)) {
          continue;
        }
        NodeSelector.Selection sel = new NodeSelector(List.of(node), usage, random)
            .select(job, group);
        if (sel.node() == null) {
          if (sel.metric().nodesExhausted() > 0) {
            failures++;
            metric = metric == null ? sel.metric() : merge(metric, sel.metric());
          }
          continue; // filtered by a constraint: this node is not for the job
        }
        Allocation a = Allocation.builder().id(ids.get()).namespace(job.namespace())
            .evalId(eval.id()).name(job.id() + "." + group.name() + "[0]")
            .nodeId(node.id()).nodeName(node.name()).jobId(job.id()).job(job)
            .taskGroup(group.name()).allocatedResources(sel.resources())
            .createTime(now).modifyTime(now).build();
        usage.add(a);
        placements.add(a);
        place++;
      }
      if (failures > 0) {
        failed.put(group.name(), GenericScheduler.coalesced(metric, failures - 1));
      }
      desired.put(group.name(), new Plan.DesiredUpdates(0, place, 0, 0, 0, 0, 0, 0));
    }
    return new Plan(eval.id(), job, placements, stops, null, failed, desired, false);
  }

  /** True when an existing system allocation may stay on the node. */
  static boolean keepsSystemAllocs(Node node, Job job, TaskGroup group) {
    if (Node.STATUS_DOWN.equals(node.status())) {
      return false;
    }
    if (node.drainStrategy() != null && !node.drainStrategy().ignoreSystemJobs()) {
      return false;
    }
    Node eligible = node.toBuilder().status(Node.STATUS_READY)
        .schedulingEligibility(Node.ELIGIBLE).drainStrategy(null).build();
    return NodeSelector.inScope(eligible, job)
        && NodeSelector.infeasible(eligible, job, group) == null;
  }

  private static AllocMetric merge(AllocMetric a, AllocMetric b) {
    return new AllocMetric(a.nodesEvaluated() + b.nodesEvaluated(),
        a.nodesFiltered() + b.nodesFiltered(), sum(a.nodesAvailable(), b.nodesAvailable()),
        sum(a.classFiltered(), b.classFiltered()),
        sum(a.constraintFiltered(), b.constraintFiltered()),
        a.nodesExhausted() + b.nodesExhausted(), sum(a.classExhausted(), b.classExhausted()),
        sum(a.dimensionExhausted(), b.dimensionExhausted()), 0);
  }

  private static Map<String, Integer> sum(Map<String, Integer> a, Map<String, Integer> b) {
    Map<String, Integer> out = new TreeMap<>(a);
    b.forEach((k, v) -> out.merge(k, v, Integer::sum));
    return out;
  }

  private static Allocation stop(Allocation a, String why) {
    return a.toBuilder().desiredStatus(Allocation.DESIRED_STOP).desiredDescription(why).build();
  }
}
