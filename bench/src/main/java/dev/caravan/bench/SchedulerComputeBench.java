package dev.caravan.bench;

import dev.caravan.cluster.scheduler.GenericScheduler;
import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduler's compute cost alone, without Raft: {@code nodes} nodes (the throughput
 * bench's mock nodes), then {@code jobs} service jobs of {@code count} allocations each, one
 * {@code computePlan} per job against a state holding every earlier plan's placements. With
 * {@code state=indexed} (default) the state is an in-memory index (allocations by node and by
 * job in O(result)), with {@code state=image} the replicated {@code StateImage}. Prints JSON.
 *
 * <p>Usage: {@code java -cp <bench classpath> dev.caravan.bench.SchedulerComputeBench
 * [nodes=5000] [jobs=1000] [count=100] [indexed|image]}.
 */
public final class SchedulerComputeBench {
  public static void main(String[] args) {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    boolean image = args.length > 3 && "image".equals(args[3]);
    AtomicLong ids = new AtomicLong();
    IndexedState indexed = new IndexedState();
    StateImage img = StateImage.EMPTY;
    long index = 0;
    for (int i = 0; i < nodes; i++) {
      Node n = SchedulerThroughputBench.node(i);
      if (image) {
        img = StateMachineCore.apply(img, ++index, new Command.NodeRegister(n, 0));
      } else {
        indexed.nodes.put(n.id(), n.toBuilder().status(Node.STATUS_READY).build());
      }
    }
    long computeNanos = 0;
    long cpuNanos = 0;
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long placed = 0;
    long failed = 0;
    long start = System.nanoTime();
    for (int j = 0; j < jobs; j++) {
      Job job = SchedulerThroughputBench.job("job-" + j, count);
      Evaluation eval = Evaluation.builder().id("eval-" + j).jobId(job.id())
          .type(job.type()).build();
      ClusterState s;
      if (image) {
        img = StateMachineCore.apply(img, ++index, new Command.JobRegister(job, false, 0, eval,
            0));
        s = img;
      } else {
        indexed.jobs.put(job.id(), job.toBuilder().createIndex(j + 1).modifyIndex(j + 1)
            .jobModifyIndex(j + 1).build());
        s = indexed;
      }
      long t = System.nanoTime();
      long cpu = threads.getCurrentThreadCpuTime();
      Plan plan = GenericScheduler.computePlan(s, eval, () -> "a" + ids.incrementAndGet(), 0);
      computeNanos += System.nanoTime() - t;
      cpuNanos += threads.getCurrentThreadCpuTime() - cpu;
      placed += plan.placements().size();
      failed += plan.failedGroupAllocs().values().stream()
          .mapToLong(m -> 1 + m.coalescedFailures()).sum();
      if (image) {
        img = StateMachineCore.apply(img, ++index, new Command.PlanApply(eval.id(),
            plan.placements(), plan.stops(), 0));
      } else {
        plan.placements().forEach(indexed::add);
      }
    }
    long wallMillis = (System.nanoTime() - start) / 1_000_000;
    long computeMillis = computeNanos / 1_000_000;
    System.out.printf("{\"benchmark\":\"scheduler-compute\",\"state\":\"%s\",\"nodes\":%d,"
        + "\"jobs\":%d,\"allocations\":%d,\"placed\":%d,\"failed\":%d,\"compute_ms\":%d,\"compute_cpu_ms\":%d,"
        + "\"placements_per_s_compute\":%.0f,\"wall_ms\":%d,\"load_average\":%.1f}%n",
        image ? "image" : "indexed", nodes, jobs, (long) jobs * count, placed, failed,
        computeMillis, cpuNanos / 1_000_000, placed * 1000.0 / Math.max(1, computeMillis), wallMillis,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            .getSystemLoadAverage());
  }

  /** A mutable in-memory state with allocations indexed by node and by job. */
  static final class IndexedState implements ClusterState {
    final Map<String, Node> nodes = new LinkedHashMap<>();
    final Map<String, Job> jobs = new HashMap<>();
    final Map<String, Allocation> allocs = new HashMap<>();
    final Map<String, List<Allocation>> byNode = new HashMap<>();
    final Map<String, List<Allocation>> byJob = new HashMap<>();

    void add(Allocation a) {
      allocs.put(a.id(), a);
      byNode.computeIfAbsent(a.nodeId(), k -> new ArrayList<>()).add(a);
      byJob.computeIfAbsent(a.jobId(), k -> new ArrayList<>()).add(a);
    }

    @Override public long index() {
      return 0;
    }

    @Override public Optional<Job> job(String namespace, String id) {
      return Optional.ofNullable(jobs.get(id));
    }

    @Override public List<Job> jobs() {
      return List.copyOf(jobs.values());
    }

    @Override public List<Job> jobVersions(String namespace, String id) {
      return job(namespace, id).map(List::of).orElse(List.of());
    }

    @Override public Optional<Allocation> alloc(String id) {
      return Optional.ofNullable(allocs.get(id));
    }

    @Override public List<Allocation> allocs() {
      return List.copyOf(allocs.values());
    }

    @Override public List<Allocation> allocsByJob(String namespace, String jobId) {
      return byJob.getOrDefault(jobId, List.of());
    }

    @Override public List<Allocation> allocsByNode(String nodeId) {
      return byNode.getOrDefault(nodeId, List.of());
    }

    @Override public Optional<Node> node(String id) {
      return Optional.ofNullable(nodes.get(id));
    }

    @Override public List<Node> nodes() {
      return List.copyOf(nodes.values());
    }

    @Override public Optional<Evaluation> eval(String id) {
      return Optional.empty();
    }

    @Override public List<Evaluation> evals() {
      return List.of();
    }

    @Override public List<Evaluation> evalsByJob(String namespace, String jobId) {
      return List.of();
    }

    @Override public Optional<Deployment> deployment(String id) {
      return Optional.empty();
    }

    @Override public List<Deployment> deployments() {
      return List.of();
    }

    @Override public List<Deployment> deploymentsByJob(String namespace, String jobId) {
      return List.of();
    }
  }
}
