package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.AllocMetric;
import dev.caravan.cluster.structs.AllocatedResources;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.DriverInfo;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
  private static final int MAX_ATTEMPTS = 3;

  private final Supplier<ClusterState> state;
  private final Planner planner;
  private final Supplier<String> ids;
  private final java.time.Clock clock;

  public GenericScheduler(Supplier<ClusterState> state, Planner planner, Supplier<String> ids,
      java.time.Clock clock) {
    this.state = state;
    this.planner = planner;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public void process(Evaluation eval) throws InterruptedException {
    Plan plan = null;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      plan = computePlan(state.get(), eval, ids, clock.millis() * 1_000_000L);
      if (plan.isNoOp()) {
        break;
      }
      PlanResult result = planner.submitPlan(plan);
      if (!result.partial()) {
        break;
      }
    }
    Evaluation.Builder done = eval.toBuilder().status(Evaluation.STATUS_COMPLETE)
        .failedTgAllocs(plan == null ? Map.of() : plan.failedGroupAllocs());
    if (plan != null && !plan.failedGroupAllocs().isEmpty()) {
      if (Evaluation.STATUS_BLOCKED.equals(eval.status())) {
        planner.updateEval(eval.toBuilder().failedTgAllocs(plan.failedGroupAllocs()).build());
        return;
      }
      String blockedId = ids.get();
      planner.createEval(eval.toBuilder().id(blockedId).status(Evaluation.STATUS_BLOCKED)
          .triggeredBy(Evaluation.TRIGGER_QUEUED_ALLOCS).previousEval(eval.id())
          .failedTgAllocs(plan.failedGroupAllocs()).createIndex(0).modifyIndex(0).build());
      done.blockedEval(blockedId);
    }
    planner.updateEval(done.build());
  }

  /** The plan for one evaluation against one state image. Pure. */
  public static Plan computePlan(ClusterState state, Evaluation eval, Supplier<String> ids,
      long now) {
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
      return ServiceRollout.plan(state, eval, job, live, ids, now);
    }
    Usage usage = Usage.of(state);
    for (Allocation a : live) {
      if (job.group(a.taskGroup()) == null) {
        stops.add(stop(a, "alloc not needed as task group was removed"));
      }
    }
    boolean batch = Job.TYPE_BATCH.equals(job.type());
    for (TaskGroup group : job.taskGroups()) {
      Map<Integer, Allocation> kept = new TreeMap<>();
      int place = 0;
      int stop = 0;
      int destructive = 0;
      int ignore = 0;
      int inPlace = 0;
      List<Integer> toPlace = new ArrayList<>();
      for (Allocation a : live) {
        if (!group.name().equals(a.taskGroup())) {
          continue;
        }
        int i = a.index();
        boolean failedOrLost = Allocation.CLIENT_FAILED.equals(a.clientStatus())
            || Allocation.CLIENT_LOST.equals(a.clientStatus());
        if (i >= group.count() || kept.containsKey(i)) {
          stops.add(stop(a, "alloc not needed due to job update"));
          usage.release(a);
          stop++;
        } else if (batch && Allocation.CLIENT_COMPLETE.equals(a.clientStatus())) {
          kept.put(i, a);
          ignore++;
        } else if (failedOrLost && !batch) {
          stops.add(stop(a, "alloc was rescheduled because it failed"));
          usage.release(a);
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
      Map<String, Integer> exhausted = new TreeMap<>();
      Map<String, Integer> filtered = new TreeMap<>();
      int nodesEvaluated = 0;
      int failures = 0;
      for (int i : toPlace) {
        Allocation previous = kept.get(i);
        Selection sel = select(state.nodes(), job, group, usage);
        nodesEvaluated = sel.evaluated;
        if (sel.node == null) {
          failures++;
          sel.filtered.forEach((k, v) -> filtered.merge(k, v, Math::max));
          sel.exhausted.forEach((k, v) -> exhausted.merge(k, v, Math::max));
          continue;
        }
        Allocation a = Allocation.builder().id(ids.get()).namespace(job.namespace())
            .evalId(eval.id()).name(job.id() + "." + group.name() + "[" + i + "]")
            .nodeId(sel.node.id()).nodeName(sel.node.name()).jobId(job.id()).job(job)
            .taskGroup(group.name()).allocatedResources(ask(group))
            .previousAllocation(previous == null ? null : previous.id())
            .createTime(now).modifyTime(now).build();
        usage.add(a);
        placements.add(a);
        place++;
      }
      if (failures > 0) {
        int exhaustedCount = exhausted.values().stream().mapToInt(Integer::intValue).sum();
        failed.put(group.name(), new AllocMetric(nodesEvaluated,
            filtered.values().stream().mapToInt(Integer::intValue).sum(), Map.of(), Map.of(),
            filtered, exhaustedCount, Map.of(), exhausted, failures - 1));
      }
      desired.put(group.name(), new Plan.DesiredUpdates(ignore, place - destructive, 0, stop, inPlace,
          destructive, 0, 0));
    }
    return new Plan(eval.id(), job, placements, stops, null, failed, desired, job.allAtOnce());
  }

  static Allocation stop(Allocation a, String why) {
    return a.toBuilder().desiredStatus(Allocation.DESIRED_STOP).desiredDescription(why).build();
  }

  /** What a group asks for, per task. */
  public static AllocatedResources ask(TaskGroup group) {
    Map<String, Resources> tasks = new LinkedHashMap<>();
    for (Task t : group.tasks()) {
      tasks.put(t.name(), t.resources() == null ? Resources.defaults() : t.resources());
    }
    return new AllocatedResources(tasks, List.of(),
        group.ephemeralDisk() == null ? 0 : 0);
  }

  /** Why a node cannot run a group, or null when it is feasible (capacity aside). */
  public static String infeasible(Node node, Job job, TaskGroup group) {
    if (!node.isSchedulable()) {
      return "node not ready or ineligible";
    }
    if (!datacenterMatches(job.datacenters(), node.datacenter())) {
      return "datacenter";
    }
    for (Task t : group.tasks()) {
      DriverInfo d = node.drivers().get(t.driver());
      if (d == null || !d.detected() || !d.healthy()) {
        return "missing drivers";
      }
    }
    return null;
  }

  static boolean datacenterMatches(List<String> patterns, String dc) {
    if (patterns.isEmpty()) {
      return true;
    }
    for (String p : patterns) {
      String regex = java.util.regex.Pattern.quote(p).replace("*", "\\E.*\\Q");
      if (dc != null && dc.matches(regex)) {
        return true;
      }
    }
    return false;
  }

  record Selection(Node node, int evaluated, Map<String, Integer> filtered,
      Map<String, Integer> exhausted) {}

  /** Feasibility then bin packing: the feasible node that would be fullest after placing. */
  static Selection select(List<Node> nodes, Job job, TaskGroup group, Usage usage) {
    AllocatedResources ask = ask(group);
    Map<String, Integer> filtered = new TreeMap<>();
    Map<String, Integer> exhausted = new TreeMap<>();
    Node best = null;
    double bestScore = -1;
    for (Node n : nodes) {
      String why = infeasible(n, job, group);
      if (why != null) {
        filtered.merge(why, 1, Integer::sum);
        continue;
      }
      String dim = usage.exhaustedDimension(n, ask);
      if (dim != null) {
        exhausted.merge(dim, 1, Integer::sum);
        continue;
      }
      double score = usage.score(n, ask);
      if (score > bestScore) {
        bestScore = score;
        best = n;
      }
    }
    return new Selection(best, nodes.size(), filtered, exhausted);
  }

  /** CPU and memory in use per node by non-terminal allocations (plus planned ones). */
  public static final class Usage {
    private final Map<String, int[]> used = new HashMap<>();

    public static Usage of(ClusterState state) {
      Usage u = new Usage();
      for (Allocation a : state.allocs()) {
        if (!a.isTerminal()) {
          u.add(a);
        }
      }
      return u;
    }

    public void add(Allocation a) {
      if (a.allocatedResources() == null || a.nodeId() == null) {
        return;
      }
      int[] u = used.computeIfAbsent(a.nodeId(), k -> new int[2]);
      u[0] += a.allocatedResources().cpu();
      u[1] += a.allocatedResources().memoryMb();
    }

    public void release(Allocation a) {
      if (a.allocatedResources() == null || a.nodeId() == null) {
        return;
      }
      int[] u = used.computeIfAbsent(a.nodeId(), k -> new int[2]);
      u[0] -= a.allocatedResources().cpu();
      u[1] -= a.allocatedResources().memoryMb();
    }

    /** The dimension that would overflow ("cpu", "memory"), or null when it fits. */
    public String exhaustedDimension(Node n, AllocatedResources ask) {
      int[] u = used.getOrDefault(n.id(), new int[2]);
      int cpu = n.nodeResources() == null ? 0 : n.nodeResources().cpuShares();
      int mem = n.nodeResources() == null ? 0 : n.nodeResources().memoryMb();
      if (u[0] + ask.cpu() > cpu) {
        return "cpu";
      }
      if (u[1] + ask.memoryMb() > mem) {
        return "memory";
      }
      return null;
    }

    double score(Node n, AllocatedResources ask) {
      int[] u = used.getOrDefault(n.id(), new int[2]);
      double cpu = (u[0] + ask.cpu()) / (double) Math.max(1, n.nodeResources().cpuShares());
      double mem = (u[1] + ask.memoryMb()) / (double) Math.max(1, n.nodeResources().memoryMb());
      return (cpu + mem) / 2;
    }
  }
}
