package dev.caravan.cluster.scheduler.feasible;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.AllocatedPort;
import dev.caravan.cluster.structs.AllocatedResources;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Node;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What is in use on each node: CPU, memory and ports of non-terminal allocations, plus how
 * many allocations of each job and task group sit there. Built once per evaluation in one pass
 * over the allocations, then updated as the scheduler plans (placements added, stops released),
 * so that selecting a node never rescans allocations.
 *
 * <p>Not thread-safe; one instance per scheduling pass or plan check.
 */
public final class NodeUsage {
  /** Usage of one node. */
  static final class Slot {
    int cpu;
    int memory;
    BitSet ports;
    final Map<String, Integer> jobs = new HashMap<>(4);

    boolean portInUse(int port) {
      return ports != null && port >= 0 && ports.get(port);
    }
  }

  private final Map<String, Slot> nodes = new HashMap<>();
  /** When set, allocations per job and group are counted for this job only. */
  private final String focusNamespace;
  private final String focusJobId;
  private final boolean countJobs;

  /** Usage that counts allocations of every job (tests, small states). */
  public NodeUsage() {
    this(null, null, true);
  }

  private NodeUsage(String focusNamespace, String focusJobId, boolean countJobs) {
    this.focusNamespace = focusNamespace == null ? "default" : focusNamespace;
    this.focusJobId = focusJobId;
    this.countJobs = countJobs;
  }

  /** Usage of every non-terminal allocation in the state, counting every job. */
  public static NodeUsage of(ClusterState state) {
    return fill(new NodeUsage(), state);
  }

  /**
   * Usage of every non-terminal allocation, counting allocations per node only for one job
   * (what {@code distinct_*} and spreads of that job need): one pass without building keys for
   * the other jobs' allocations.
   */
  public static NodeUsage forJob(ClusterState state, String namespace, String jobId) {
    return fill(new NodeUsage(namespace, jobId, true), state);
  }

  /** CPU, memory and ports only, as the plan applier needs. */
  public static NodeUsage resourcesOf(ClusterState state) {
    return fill(new NodeUsage(null, null, false), state);
  }

  private static NodeUsage fill(NodeUsage u, ClusterState state) {
    for (Allocation a : state.allocs()) {
      if (!a.isTerminal()) {
        u.add(a);
      }
    }
    return u;
  }

  private boolean counts(Allocation a) {
    if (!countJobs) {
      return false;
    }
    return focusJobId == null || (focusJobId.equals(a.jobId())
        && focusNamespace.equals(a.namespace() == null ? "default" : a.namespace()));
  }

  static String jobKey(String namespace, String jobId) {
    return (namespace == null ? "default" : namespace) + '\0' + jobId;
  }

  static String groupKey(String namespace, String jobId, String group) {
    return jobKey(namespace, jobId) + '\0' + group;
  }

  Slot slot(String nodeId) {
    return nodes.get(nodeId);
  }

  /** Counts a planned or existing allocation against its node. */
  public void add(Allocation a) {
    change(a, 1);
  }

  /** Frees what a stopped allocation held. */
  public void release(Allocation a) {
    change(a, -1);
  }

  private void change(Allocation a, int sign) {
    if (a.nodeId() == null) {
      return;
    }
    Slot s = nodes.get(a.nodeId());
    if (s == null) {
      s = new Slot();
      nodes.put(a.nodeId(), s);
    }
    AllocatedResources r = a.allocatedResources();
    if (r != null) {
      s.cpu += sign * r.cpu();
      s.memory += sign * r.memoryMb();
      for (AllocatedPort p : r.ports()) {
        if (p.value() > 0) {
          if (s.ports == null) {
            s.ports = new BitSet();
          }
          s.ports.set(p.value(), sign > 0);
        }
      }
    }
    if (counts(a)) {
      s.jobs.merge(jobKey(a.namespace(), a.jobId()), sign, Integer::sum);
      s.jobs.merge(groupKey(a.namespace(), a.jobId(), a.taskGroup()), sign, Integer::sum);
    }
  }

  /** Allocations of a job ({@code group} null) or of one of its groups on a node. */
  int count(String nodeId, String namespace, String jobId, String group) {
    Slot s = nodes.get(nodeId);
    if (s == null) {
      return 0;
    }
    String key = group == null ? jobKey(namespace, jobId) : groupKey(namespace, jobId, group);
    return Math.max(0, s.jobs.getOrDefault(key, 0));
  }

  /** Node ids holding at least one allocation of the job (or group). */
  Map<String, Integer> nodesOf(String namespace, String jobId, String group) {
    String key = group == null ? jobKey(namespace, jobId) : groupKey(namespace, jobId, group);
    Map<String, Integer> out = new HashMap<>();
    for (Map.Entry<String, Slot> e : nodes.entrySet()) {
      int n = e.getValue().jobs.getOrDefault(key, 0);
      if (n > 0) {
        out.put(e.getKey(), n);
      }
    }
    return out;
  }

  int cpuUsed(String nodeId) {
    Slot s = nodes.get(nodeId);
    return s == null ? 0 : s.cpu;
  }

  int memoryUsed(String nodeId) {
    Slot s = nodes.get(nodeId);
    return s == null ? 0 : s.memory;
  }

  /**
   * The dimension an allocation with these resources would overflow on the node ({@code cpu},
   * {@code memory}, {@code network: reserved port collision}), or null when it fits. Ports are
   * the concrete values in {@code ask.ports()}.
   */
  public String exhaustedDimension(Node n, AllocatedResources ask) {
    Slot s = nodes.get(n.id());
    int cpu = n.nodeResources() == null ? 0 : n.nodeResources().cpuShares();
    int mem = n.nodeResources() == null ? 0 : n.nodeResources().memoryMb();
    if ((s == null ? 0 : s.cpu) + ask.cpu() > cpu) {
      return "cpu";
    }
    if ((s == null ? 0 : s.memory) + ask.memoryMb() > mem) {
      return "memory";
    }
    if (s != null) {
      for (AllocatedPort p : ask.ports()) {
        if (s.portInUse(p.value())) {
          return "network: reserved port collision";
        }
      }
    }
    return null;
  }
}
