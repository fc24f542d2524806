package dev.caravan.cluster.scheduler.feasible;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.AllocatedPort;
import dev.caravan.cluster.structs.AllocatedResources;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.Resources;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What is in use on each node: CPU, memory and ports of non-terminal allocations, plus how
 * many allocations of each job and task group sit there. Updated as the scheduler plans
 * (placements added, stops released), so that selecting a node never rescans allocations.
 *
 * <p>Backed by a state image, a node's usage is read from {@link ClusterState#allocsByNode} the
 * first time the node is looked at (as Nomad's rank iterator reads the allocations of each node
 * it scores): a pass that scores a few hundred nodes reads only their allocations. Counts per
 * job come from {@link ClusterState#allocsByJob} of the one job being scheduled.
 *
 * <p>Not thread-safe; one instance per scheduling pass or plan check.
 */
public final class NodeUsage {
  /** Usage of one node. */
  static final class Slot {
    int cpu;
    int memory;
    BitSet ports;

    boolean portInUse(int port) {
      return ports != null && port >= 0 && ports.get(port);
    }
  }

  private static final Slot EMPTY = new Slot();

  /** Initial capacity of a scheduling pass's node map. */
  private static final int PASS_NODES = 4096;

  private Map<String, Slot> nodes = new HashMap<>();
  /** Per node id, allocations per job key and group key. */
  private final Map<String, Map<String, Integer>> jobs = new HashMap<>();
  /** When non-null, a node's slot is read from here the first time it is needed. */
  private final ClusterState source;
  /** When set, allocations per job and group are counted for this job only. */
  private final String focusNamespace;
  private final String focusJobId;
  private final boolean countJobs;
  /** The focus job's key and its groups' keys, built the first time they are counted. */
  private String focusJobKey;
  private final Map<String, String> focusGroupKeys = new HashMap<>(4);
  private int nodesRead;

  /** Usage that counts allocations of every job (tests, small states). */
  public NodeUsage() {
    this(null, null, null, true);
  }

  private NodeUsage(ClusterState source, String focusNamespace, String focusJobId,
      boolean countJobs) {
    this.source = source;
    this.focusNamespace = focusNamespace == null ? "default" : focusNamespace;
    this.focusJobId = focusJobId;
    this.countJobs = countJobs;
  }

  /** Usage of every non-terminal allocation in the state, counting every job (one pass). */
  public static NodeUsage of(ClusterState state) {
    NodeUsage u = new NodeUsage();
    for (Allocation a : state.allocs()) {
      if (!a.isTerminal()) {
        u.add(a);
      }
    }
    return u;
  }

  /**
   * Usage for scheduling one job: allocations of that job counted per node and group (what
   * {@code distinct_*} and spreads need) from the job's allocations; CPU, memory and ports of
   * a node read from the node's allocations when it is first looked at.
   */
  public static NodeUsage forJob(ClusterState state, String namespace, String jobId) {
    NodeUsage u = new NodeUsage(state, namespace, jobId, true);
    u.nodes = new HashMap<>(PASS_NODES); // a pass reads a few thousand nodes: no rehashing
    for (Allocation a : state.allocsByJob(namespace, jobId)) {
      if (!a.isTerminal() && a.nodeId() != null) {
        u.count(a, 1);
      }
    }
    return u;
  }

  /**
   * As {@link #forJob} but every node's usage read in one pass over all allocations: for
   * passes that look at every node (system jobs).
   */
  public static NodeUsage forJobAllNodes(ClusterState state, String namespace, String jobId) {
    NodeUsage u = new NodeUsage(null, namespace, jobId, true);
    for (Allocation a : state.allocs()) {
      if (!a.isTerminal()) {
        u.add(a);
      }
    }
    return u;
  }

  /** CPU, memory and ports only, read per node when first needed, as the plan applier needs. */
  public static NodeUsage resourcesOf(ClusterState state) {
    return new NodeUsage(state, null, null, false);
  }

  /** How many nodes' allocations were read from the state (what a pass cost). */
  public int nodesRead() {
    return nodesRead;
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

  /** The node's usage; never null (an empty slot for an unused node). */
  Slot slot(String nodeId) {
    Slot s = nodes.get(nodeId);
    if (s != null) {
      return s;
    }
    if (source == null) {
      return EMPTY;
    }
    return load(nodeId);
  }

  /**
   * The node's slot, read from the state the first time. A read costs O(allocations on the
   * node) (the state indexes allocations by node), so reading every node one at a time costs
   * no more than one pass over all allocations: there is no switch to such a pass.
   */
  private Slot load(String nodeId) {
    Slot s = new Slot();
    nodes.put(nodeId, s);
    if (source != null) {
      nodesRead++;
      Used used = source.summaryOfNode(nodeId, USED);
      s.cpu = used.cpu;
      s.memory = used.memory;
      s.ports = used.ports == null ? null : (BitSet) used.ports.clone();
    }
    return s;
  }

  /** What a node's non-terminal allocations hold; immutable (ports never handed out). */
  private record Used(int cpu, int memory, BitSet ports) {}

  /**
   * The summary of a node's allocations the state memoizes (one constant instance), carried
   * from one state to the next as allocations change instead of summed again.
   */
  private static final ClusterState.NodeSummary<Used> USED = new ClusterState.NodeSummary<>() {
    @Override
    public Used apply(List<Allocation> allocs) {
      Slot s = new Slot();
      for (Allocation a : allocs) {
        if (!a.isTerminal()) {
          resources(s, a, 1);
        }
      }
      return new Used(s.cpu, s.memory, s.ports);
    }

    /** Null (computed again) when a port is freed: another allocation may hold it too. */
    @Override
    public Used update(Used used, Allocation before, Allocation after) {
      boolean frees = before != null && !before.isTerminal();
      if (frees && hasPorts(before)) {
        return null;
      }
      Slot s = new Slot();
      s.cpu = used.cpu;
      s.memory = used.memory;
      boolean takes = after != null && !after.isTerminal();
      s.ports = takes && hasPorts(after) && used.ports != null ? (BitSet) used.ports.clone()
          : used.ports;
      if (frees) {
        resources(s, before, -1);
      }
      if (takes) {
        resources(s, after, 1);
      }
      return new Used(s.cpu, s.memory, s.ports);
    }
  };

  private static boolean hasPorts(Allocation a) {
    return a.allocatedResources() != null && !a.allocatedResources().ports().isEmpty();
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
      s = load(a.nodeId());
    }
    resources(s, a, sign);
    if (counts(a)) {
      count(a, sign);
    }
  }

  private static void resources(Slot s, Allocation a, int sign) {
    AllocatedResources r = a.allocatedResources();
    if (r == null) {
      return;
    }
    int cpu = 0;
    int memory = 0;
    for (Resources t : r.tasks().values()) {
      cpu += t.cpu();
      memory += t.memoryMb();
    }
    s.cpu += sign * cpu;
    s.memory += sign * memory;
    List<AllocatedPort> ports = r.ports();
    if (ports.isEmpty()) {
      return;
    }
    for (AllocatedPort p : ports) {
      if (p.value() > 0) {
        if (s.ports == null) {
          s.ports = new BitSet();
        }
        s.ports.set(p.value(), sign > 0);
      }
    }
  }

  private void count(Allocation a, int sign) {
    Map<String, Integer> m = jobs.computeIfAbsent(a.nodeId(), k -> new HashMap<>(4));
    if (focusJobId != null) { // every counted allocation is the focus job's: keys built once
      if (focusJobKey == null) {
        focusJobKey = jobKey(focusNamespace, focusJobId);
      }
      m.merge(focusJobKey, sign, Integer::sum);
      m.merge(focusGroupKeys.computeIfAbsent(a.taskGroup(), g -> focusJobKey + '\0' + g), sign,
          Integer::sum);
      return;
    }
    m.merge(jobKey(a.namespace(), a.jobId()), sign, Integer::sum);
    m.merge(groupKey(a.namespace(), a.jobId(), a.taskGroup()), sign, Integer::sum);
  }

  /** Allocations of a job ({@code group} null) or of one of its groups on a node. */
  int count(String nodeId, String namespace, String jobId, String group) {
    Map<String, Integer> m = jobs.get(nodeId);
    if (m == null) {
      return 0;
    }
    String key = group == null ? jobKey(namespace, jobId) : groupKey(namespace, jobId, group);
    return Math.max(0, m.getOrDefault(key, 0));
  }

  /** Node ids holding at least one allocation of the job (or group). */
  Map<String, Integer> nodesOf(String namespace, String jobId, String group) {
    String key = group == null ? jobKey(namespace, jobId) : groupKey(namespace, jobId, group);
    Map<String, Integer> out = new HashMap<>();
    for (Map.Entry<String, Map<String, Integer>> e : jobs.entrySet()) {
      int n = e.getValue().getOrDefault(key, 0);
      if (n > 0) {
        out.put(e.getKey(), n);
      }
    }
    return out;
  }

  int cpuUsed(String nodeId) {
    return slot(nodeId).cpu;
  }

  int memoryUsed(String nodeId) {
    return slot(nodeId).memory;
  }

  /**
   * The dimension an allocation with these resources would overflow on the node ({@code cpu},
   * {@code memory}, {@code network: reserved port collision}), or null when it fits. Ports are
   * the concrete values in {@code ask.ports()}.
   */
  public String exhaustedDimension(Node n, AllocatedResources ask) {
    return exhaustedDimension(n, slot(n.id()), ask.cpu(), ask.memoryMb(), ask.ports());
  }

  /** As {@link #exhaustedDimension(Node, AllocatedResources)} with the node's slot at hand. */
  static String exhaustedDimension(Node n, Slot s, int askCpu, int askMemory,
      List<AllocatedPort> askPorts) {
    int cpu = n.nodeResources() == null ? 0 : n.nodeResources().cpuShares();
    int mem = n.nodeResources() == null ? 0 : n.nodeResources().memoryMb();
    if (s.cpu + askCpu > cpu) {
      return "cpu";
    }
    if (s.memory + askMemory > mem) {
      return "memory";
    }
    if (askPorts.isEmpty()) {
      return null;
    }
    for (AllocatedPort p : askPorts) {
      if (s.portInUse(p.value())) {
        return "network: reserved port collision";
      }
    }
    return null;
  }
}
