package dev.caravan.cluster.scheduler.feasible;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nodes of one version of the node set, with the static feasibility of task groups on
 * them memoized: which nodes are in a job's scope (schedulable, datacenters, pool) and pass a
 * group's drivers and constraints, and why the others were filtered. That outcome depends only
 * on the nodes and on the {@link Key} of the group (datacenters, pool, constraints at job,
 * group and task level, task drivers), so every evaluation on the same node set, and every
 * group with the same key, shares one computation, as Nomad's feasibility checks are shared by
 * nodes of one computed class. Any change to any node (a new node, a changed attribute, a
 * status change) makes a new node set and so a new catalog: nothing stale is ever reused.
 *
 * <p>Immutable apart from its memo; thread-safe.
 */
public final class NodeCatalog {
  /** Most group keys memoized per catalog (least recently used are dropped). */
  static final int MAX_KEYS = 256;

  /**
   * What the static feasibility of a group reads besides the nodes.
   *
   * @param datacenters the job's datacenter globs
   * @param pool the job's node pool
   * @param jobConstraints the job's constraints
   * @param groupConstraints the group's constraints
   * @param taskConstraints each task's constraints, in task order
   * @param drivers each task's driver, in task order
   */
  record Key(List<String> datacenters, String pool, List<Constraint> jobConstraints,
      List<Constraint> groupConstraints, List<List<Constraint>> taskConstraints,
      List<String> drivers) {
    static Key of(Job job, TaskGroup group) {
      List<List<Constraint>> tasks = new ArrayList<>(group.tasks().size());
      List<String> drivers = new ArrayList<>(group.tasks().size());
      for (Task t : group.tasks()) {
        tasks.add(t.constraints());
        drivers.add(t.driver());
      }
      return new Key(job.datacenters(), job.nodePool(), job.constraints(),
          group.constraints(), tasks, drivers);
    }
  }

  /**
   * The static feasibility of one group key: the nodes that pass, in catalog order, and
   * Nomad's metric counts of the pass over all nodes. Immutable.
   *
   * @param feasible nodes in scope that pass drivers and constraints
   * @param evaluated nodes in scope
   * @param filtered nodes in scope that failed a driver or constraint
   * @param available nodes in scope per datacenter
   * @param classFiltered filtered nodes per node class
   * @param constraintFiltered filtered nodes per reason
   */
  record Feasibility(List<Node> feasible, int evaluated, int filtered,
      Map<String, Integer> available, Map<String, Integer> classFiltered,
      Map<String, Integer> constraintFiltered) {}

  private final Object token;
  private final List<Node> nodes;
  private final Map<Key, Feasibility> memo = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Feasibility> eldest) {
      return size() > MAX_KEYS;
    }
  };
  private volatile Map<String, Node> byId;

  private NodeCatalog(Object token, Collection<Node> nodes) {
    this.token = token;
    this.nodes = List.copyOf(nodes);
  }

  /** A catalog of these nodes, used by one selector (tests, one-off passes). */
  public static NodeCatalog of(Collection<Node> nodes) {
    return new NodeCatalog(null, nodes);
  }

  /** Every node, in the order given (the state's: by id). */
  public List<Node> nodes() {
    return nodes;
  }

  /** The node with this id, or null. */
  Node node(String id) {
    Map<String, Node> m = byId;
    if (m == null) {
      m = new HashMap<>(nodes.size() * 2);
      for (Node n : nodes) {
        m.put(n.id(), n);
      }
      byId = m;
    }
    return m.get(id);
  }

  /** The static feasibility of the group, computed the first time its key is asked for. */
  Feasibility feasibility(Job job, TaskGroup group) {
    Key key = Key.of(job, group);
    synchronized (memo) {
      Feasibility f = memo.get(key);
      if (f != null) {
        return f;
      }
    }
    Feasibility f = compute(job, group); // outside the lock: a race only computes it twice
    synchronized (memo) {
      memo.putIfAbsent(key, f);
    }
    return f;
  }

  /** How many group keys are memoized (tests). */
  int memoized() {
    synchronized (memo) {
      return memo.size();
    }
  }

  private Feasibility compute(Job job, TaskGroup group) {
    List<Node> feasible = new ArrayList<>();
    int evaluated = 0;
    int filtered = 0;
    Map<String, Integer> available = new TreeMap<>();
    Map<String, Integer> classFiltered = new TreeMap<>();
    Map<String, Integer> constraintFiltered = new TreeMap<>();
    for (Node n : nodes) {
      if (!NodeSelector.inScope(n, job)) {
        continue;
      }
      evaluated++;
      available.merge(n.datacenter(), 1, Integer::sum);
      String why = NodeSelector.infeasible(n, job, group);
      if (why != null) {
        filtered++;
        constraintFiltered.merge(why, 1, Integer::sum);
        if (n.nodeClass() != null && !n.nodeClass().isEmpty()) {
          classFiltered.merge(n.nodeClass(), 1, Integer::sum);
        }
        continue;
      }
      feasible.add(n);
    }
    return new Feasibility(Collections.unmodifiableList(feasible), evaluated, filtered,
        Collections.unmodifiableMap(available), Collections.unmodifiableMap(classFiltered),
        Collections.unmodifiableMap(constraintFiltered));
  }

  /**
   * The leader's catalogs: the one of the latest node set seen, reused by every evaluation
   * whose state image has the same node set ({@link ClusterState#nodesToken}), replaced when
   * the node set changed; the one before is kept too, for a worker still on an older image.
   * States without a token get a fresh catalog every time. Thread-safe.
   */
  public static final class Cache {
    private NodeCatalog last;
    private NodeCatalog previous;

    /** The catalog of the state's nodes. */
    public NodeCatalog of(ClusterState state) {
      Object token = state.nodesToken();
      if (token == null) {
        return new NodeCatalog(null, state.nodes());
      }
      synchronized (this) {
        if (last != null && last.token == token) {
          return last;
        }
        if (previous != null && previous.token == token) {
          return previous;
        }
      }
      NodeCatalog c = new NodeCatalog(token, state.nodes());
      synchronized (this) {
        previous = last;
        last = c;
      }
      return c;
    }
  }
}
