package dev.caravan.cluster.scheduler.feasible;

import dev.caravan.cluster.structs.Affinity;
import dev.caravan.cluster.structs.AllocMetric;
import dev.caravan.cluster.structs.AllocatedPort;
import dev.caravan.cluster.structs.AllocatedResources;
import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.DriverInfo;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Spread;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Chooses the node for one placement of a task group, as Nomad's stack does: nodes that are
 * ready, eligible and in the job's datacenters and node pool; then static feasibility (drivers
 * detected and healthy, constraints at job, group and task level), computed once per group and
 * node set (a {@link NodeCatalog} shares it between passes); then per placement
 * {@code distinct_hosts} / {@code distinct_property}, capacity (CPU,
 * memory, static and dynamic ports) and a score (bin packing, affinities, spreads) over at most
 * a limited number of fitting nodes ({@code log2(nodes)} for service jobs, two for batch, all
 * when the group has affinities or spreads), visited in a seeded random order.
 *
 * <p>Pure apart from the injected random source; it reads {@link NodeUsage} but never changes
 * it: the caller adds what it places. One instance per scheduling pass.
 */
public final class NodeSelector {

  /**
   * The outcome of one selection.
   *
   * @param node the chosen node, or null when none fits
   * @param resources what the allocation gets there (tasks, assigned ports); null on failure
   * @param metric what was evaluated, filtered and exhausted, Nomad's {@code AllocMetric}
   * @param score the chosen node's final score (0..1-ish), NaN on failure
   */
  public record Selection(Node node, AllocatedResources resources, AllocMetric metric,
      double score) {}

  private final NodeCatalog catalog;
  private final NodeUsage usage;
  private final RandomGenerator random;
  private final Map<TaskGroup, Candidates> candidates = new IdentityHashMap<>();

  /** Nodes that pass the static checks for one group, and where the last visit stopped. */
  private static final class Candidates {
    List<Node> feasible;
    int cursor;
    int evaluated;
    int filtered;
    /** Shared with the catalog's memo: never changed. */
    Map<String, Integer> available;
    Map<String, Integer> classFiltered;
    Map<String, Integer> constraintFiltered;
    /** What the group asks for, its distinct_* constraints, preferences and limit. */
    AllocatedResources ask;
    final List<Constraint> distinct = new ArrayList<>();
    final List<Boolean> groupScoped = new ArrayList<>();
    final List<Affinity> affinities = new ArrayList<>();
    final List<Spread> spreads = new ArrayList<>();
    /** Per spread without targets, every value the feasible nodes have. */
    final List<List<String>> spreadValues = new ArrayList<>();
    int limit;
  }

  public NodeSelector(Collection<Node> nodes, NodeUsage usage, RandomGenerator random) {
    this(NodeCatalog.of(nodes), usage, random);
  }

  /** A selector over a catalog's nodes, sharing its memo of static feasibility. */
  public NodeSelector(NodeCatalog catalog, NodeUsage usage, RandomGenerator random) {
    this.catalog = catalog;
    this.usage = usage;
    this.random = random;
  }

  /** What a group asks for, per task, before ports are assigned. */
  public static AllocatedResources ask(TaskGroup group) {
    Map<String, Resources> tasks = new LinkedHashMap<>();
    for (Task t : group.tasks()) {
      tasks.put(t.name(), t.resources() == null ? Resources.defaults() : t.resources());
    }
    return new AllocatedResources(tasks, List.of(), 0);
  }

  /** True when the node is ready, eligible, not draining and in the job's datacenters and pool. */
  public static boolean inScope(Node node, Job job) {
    return node.isSchedulable() && datacenterMatches(job.datacenters(), node.datacenter())
        && poolMatches(job.nodePool(), node.nodePool());
  }

  /**
   * Why a node in scope cannot run a group whatever else runs there (a missing or unhealthy
   * driver: {@code "missing drivers"}; a constraint: its {@link ConstraintChecker#describe}),
   * or null when it can.
   */
  public static String infeasible(Node node, Job job, TaskGroup group) {
    for (Task t : group.tasks()) {
      DriverInfo d = node.drivers().get(t.driver());
      if (d == null || !d.detected() || !d.healthy()) {
        return "missing drivers";
      }
    }
    for (Constraint c : job.constraints()) {
      if (!ConstraintChecker.satisfied(node, c)) {
        return ConstraintChecker.describe(c);
      }
    }
    for (Constraint c : group.constraints()) {
      if (!ConstraintChecker.satisfied(node, c)) {
        return ConstraintChecker.describe(c);
      }
    }
    for (Task t : group.tasks()) {
      for (Constraint c : t.constraints()) {
        if (!ConstraintChecker.satisfied(node, c)) {
          return ConstraintChecker.describe(c);
        }
      }
    }
    return null;
  }

  /** Datacenter globs ({@code *} matches any run of characters); none listed matches all. */
  public static boolean datacenterMatches(List<String> patterns, String dc) {
    if (patterns.isEmpty()) {
      return true;
    }
    for (String p : patterns) {
      if (dc != null && glob(p, dc)) {
        return true;
      }
    }
    return false;
  }

  /** {@code *} matches any run of characters (possibly empty); everything else itself. */
  static boolean glob(String pattern, String s) {
    int p = 0;
    int i = 0;
    int starP = -1;
    int starI = 0;
    while (i < s.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        starP = p++;
        starI = i;
      } else if (p < pattern.length() && pattern.charAt(p) == s.charAt(i)) {
        p++;
        i++;
      } else if (starP >= 0) {
        p = starP + 1;
        i = ++starI;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  static boolean poolMatches(String jobPool, String nodePool) {
    String want = jobPool == null || jobPool.isEmpty() ? "default" : jobPool;
    String have = nodePool == null || nodePool.isEmpty() ? "default" : nodePool;
    return "all".equals(want) || want.equals(have);
  }

  private Candidates candidates(Job job, TaskGroup group) {
    Candidates c = candidates.get(group);
    if (c != null) {
      return c;
    }
    c = new Candidates();
    NodeCatalog.Feasibility f = catalog.feasibility(job, group);
    Object[] order = f.feasible().toArray();
    c.evaluated = f.evaluated();
    c.filtered = f.filtered();
    c.available = f.available();
    c.classFiltered = f.classFiltered();
    c.constraintFiltered = f.constraintFiltered();
    // seeded Fisher-Yates: placements of many evaluations do not all start on the same node
    // (untyped: swapping references reads no node, as a typed list's casts would)
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Object t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    @SuppressWarnings("unchecked")
    List<Node> shuffled = (List<Node>) (List<?>) Arrays.asList(order);
    c.feasible = shuffled;
    c.ask = ask(group);
    collectDistinct(job.constraints(), false, c.distinct, c.groupScoped);
    collectDistinct(group.constraints(), true, c.distinct, c.groupScoped);
    c.affinities.addAll(job.affinities());
    c.affinities.addAll(group.affinities());
    for (Task t : group.tasks()) {
      c.affinities.addAll(t.affinities());
    }
    c.spreads.addAll(job.spreads());
    c.spreads.addAll(group.spreads());
    for (Spread sp : c.spreads) {
      List<String> values = new ArrayList<>();
      if (sp.spreadTarget().isEmpty()) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Node n : c.feasible) {
          String v = ConstraintChecker.resolve(n, sp.attribute());
          if (v != null && seen.add(v)) {
            values.add(v);
          }
        }
      }
      c.spreadValues.add(values);
    }
    c.limit = limit(job, group, c.feasible.size());
    candidates.put(group, c);
    return c;
  }

  /** How many fitting nodes are scored before the best of them is taken. */
  static int limit(Job job, TaskGroup group, int feasible) {
    boolean preferences = !job.affinities().isEmpty() || !group.affinities().isEmpty()
        || !job.spreads().isEmpty() || !group.spreads().isEmpty()
        || group.tasks().stream().anyMatch(t -> !t.affinities().isEmpty());
    if (preferences) {
      return Integer.MAX_VALUE;
    }
    if (Job.TYPE_BATCH.equals(job.type())) {
      return 2;
    }
    int log2 = 32 - Integer.numberOfLeadingZeros(Math.max(1, feasible) - 1);
    return Math.max(2, log2);
  }

  /** Chooses a node for one more allocation of the group; see the class comment. */
  public Selection select(Job job, TaskGroup group) {
    Candidates c = candidates(job, group);
    AllocatedResources base = c.ask;
    int askCpu = base.cpu();
    int askMemory = base.memoryMb();
    List<Constraint> distinct = c.distinct;
    List<Boolean> groupScoped = c.groupScoped;
    List<Affinity> affinities = c.affinities;
    List<Spread> spreads = c.spreads;
    List<Map<String, Integer>> spreadCounts = spreads.isEmpty() ? List.of()
        : spreadCounts(job, group, c);
    List<Map<String, Integer>> distinctCounts = distinct.isEmpty() ? List.of()
        : distinctCounts(job, group, distinct, groupScoped);

    // the static counts are shared; a pass copies them only when it adds to them
    Map<String, Integer> constraintFiltered = c.constraintFiltered;
    boolean ownConstraintFiltered = false;
    Map<String, Integer> exhausted = null;
    Map<String, Integer> classExhausted = null;
    int filtered = c.filtered;
    int exhaustedNodes = 0;
    ScoreLimit<Node> limit = new ScoreLimit<>(c.limit, ScoreLimit.MAX_SKIP,
        ScoreLimit.SKIP_THRESHOLD);
    Map<Node, List<AllocatedPort>> portsOf = new IdentityHashMap<>();
    int size = c.feasible.size();
    int visited = 0;
    String[] why = new String[1];
    while (visited < size && limit.wantsMore()) {
      Node n = c.feasible.get((c.cursor + visited) % size);
      visited++;
      String distinctWhy = distinct.isEmpty() ? null
          : distinctViolation(n, job, group, distinct, groupScoped, distinctCounts);
      if (distinctWhy != null) {
        filtered++;
        if (!ownConstraintFiltered) {
          constraintFiltered = new TreeMap<>(constraintFiltered);
          ownConstraintFiltered = true;
        }
        constraintFiltered.merge(distinctWhy, 1, Integer::sum);
        continue;
      }
      NodeUsage.Slot slot = usage.slot(n.id());
      String dim = NodeUsage.exhaustedDimension(n, slot, askCpu, askMemory, base.ports());
      List<AllocatedPort> ports = null;
      if (dim == null) {
        why[0] = null;
        ports = PortAllocator.assign(n, group.networks(), slot, random, why);
        dim = ports == null ? why[0] : null;
      }
      if (dim != null) {
        exhaustedNodes++;
        if (exhausted == null) {
          exhausted = new TreeMap<>();
        }
        exhausted.merge(dim, 1, Integer::sum);
        if (n.nodeClass() != null && !n.nodeClass().isEmpty()) {
          if (classExhausted == null) {
            classExhausted = new TreeMap<>();
          }
          classExhausted.merge(n.nodeClass(), 1, Integer::sum);
        }
        continue;
      }
      double score = Ranker.binPack(n, slot.cpu, slot.memory, askCpu, askMemory);
      int parts = 1;
      if (!affinities.isEmpty()) {
        score += Ranker.affinity(n, affinities);
        parts++;
      }
      if (!spreads.isEmpty()) {
        score += Ranker.spread(n, spreads, spreadCounts, group.count());
        parts++;
      }
      score /= parts;
      portsOf.put(n, ports);
      limit.offer(n, score);
    }
    c.cursor = size == 0 ? 0 : (c.cursor + visited) % size;
    AllocMetric metric = new AllocMetric(c.evaluated, filtered, orNull(c.available),
        orNull(c.classFiltered), orNull(constraintFiltered), exhaustedNodes, classExhausted,
        exhausted, 0);
    Node best = limit.best();
    if (best == null) {
      return new Selection(null, null, metric, Double.NaN);
    }
    List<AllocatedPort> ports = portsOf.get(best);
    // without ports the ask itself is what the allocation gets (immutable: shared, not copied)
    return new Selection(best, ports.isEmpty() ? base
        : new AllocatedResources(base.tasks(), ports, base.diskMb()), metric, limit.bestScore());
  }

  /** Null for an empty map: the metric holds an empty map without copying one. */
  private static Map<String, Integer> orNull(Map<String, Integer> m) {
    return m.isEmpty() ? null : m;
  }

  private static void collectDistinct(List<Constraint> from, boolean groupLevel,
      List<Constraint> into, List<Boolean> scopes) {
    for (Constraint c : from) {
      if (ConstraintChecker.DISTINCT_HOSTS.equals(c.operand())
          || ConstraintChecker.DISTINCT_PROPERTY.equals(c.operand())) {
        into.add(c);
        scopes.add(groupLevel);
      }
    }
  }

  /** Per distinct_property constraint, allocations of the job (or group) per property value. */
  private List<Map<String, Integer>> distinctCounts(Job job, TaskGroup group,
      List<Constraint> distinct, List<Boolean> groupScoped) {
    List<Map<String, Integer>> out = new ArrayList<>();
    for (int i = 0; i < distinct.size(); i++) {
      Constraint c = distinct.get(i);
      if (!ConstraintChecker.DISTINCT_PROPERTY.equals(c.operand())) {
        out.add(Map.of());
        continue;
      }
      out.add(valueCounts(job, groupScoped.get(i) ? group.name() : null, c.lTarget()));
    }
    return out;
  }

  /** Per spread, allocations per value; every value a feasible node has starts at 0. */
  private List<Map<String, Integer>> spreadCounts(Job job, TaskGroup group, Candidates c) {
    List<Map<String, Integer>> out = new ArrayList<>();
    for (int i = 0; i < c.spreads.size(); i++) {
      Map<String, Integer> counts = valueCounts(job, group.name(), c.spreads.get(i).attribute());
      for (String v : c.spreadValues.get(i)) {
        counts.putIfAbsent(v, 0);
      }
      out.add(counts);
    }
    return out;
  }

  private Map<String, Integer> valueCounts(Job job, String group, String target) {
    Map<String, Integer> counts = new HashMap<>();
    usage.nodesOf(job.namespace(), job.id(), group).forEach((nodeId, n) -> {
      Node node = catalog.node(nodeId);
      String v = node == null ? null : ConstraintChecker.resolve(node, target);
      if (v != null) {
        counts.merge(v, n, Integer::sum);
      }
    });
    return counts;
  }

  private String distinctViolation(Node n, Job job, TaskGroup group, List<Constraint> distinct,
      List<Boolean> groupScoped, List<Map<String, Integer>> counts) {
    for (int i = 0; i < distinct.size(); i++) {
      Constraint c = distinct.get(i);
      String scope = groupScoped.get(i) ? group.name() : null;
      if (ConstraintChecker.DISTINCT_HOSTS.equals(c.operand())) {
        if ("false".equalsIgnoreCase(c.rTarget())) {
          continue;
        }
        if (usage.count(n.id(), job.namespace(), job.id(), scope) > 0) {
          return ConstraintChecker.DISTINCT_HOSTS;
        }
      } else {
        String value = ConstraintChecker.resolve(n, c.lTarget());
        if (value == null) {
          return ConstraintChecker.describe(c);
        }
        int max = 1;
        try {
          max = c.rTarget().isBlank() ? 1 : Integer.parseInt(c.rTarget().trim());
        } catch (NumberFormatException e) {
          max = 1;
        }
        if (counts.get(i).getOrDefault(value, 0) >= max) {
          return ConstraintChecker.describe(c);
        }
      }
    }
    return null;
  }
}
