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

  /** Usage of every non-terminal allocation in the state. */
  public static NodeUsage of(ClusterState state) {
    NodeUsage u = new NodeUsage();
    for (Allocation a : state.allocs()) {
      if (!a.isTerminal()) {
        u.add(a);
      }
    }
    return u;
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
    Slot s = nodes.computeIfAbsent(a.nodeId(), k -> new Slot());
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
    s.jobs.merge(jobKey(a.namespace(), a.jobId()), sign, Integer::sum);
    s.jobs.merge(groupKey(a.namespace(), a.jobId(), a.taskGroup()), sign, Integer::sum);
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
