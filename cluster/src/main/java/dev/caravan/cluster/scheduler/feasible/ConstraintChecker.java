package dev.caravan.cluster.scheduler.feasible;

import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.Node;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Nomad's constraint operators over one node's attributes. Pure; the only state is a cache of
 * compiled regular expressions and version constraints.
 *
 * <p>Targets {@code ${attr.x}}, {@code ${meta.x}}, {@code ${node.unique.id}},
 * {@code ${node.unique.name}}, {@code ${node.datacenter}}, {@code ${node.class}} and
 * {@code ${node.pool}} resolve against the node; anything else is a literal. The operators
 * {@code distinct_hosts} and {@code distinct_property} depend on other allocations and are
 * judged by {@link NodeSelector}; here they always pass.
 */
public final class ConstraintChecker {
  public static final String DISTINCT_HOSTS = "distinct_hosts";
  public static final String DISTINCT_PROPERTY = "distinct_property";

  private static final Map<String, Pattern> REGEXPS = new ConcurrentHashMap<>();
  private static final Map<String, VersionConstraint> VERSIONS = new ConcurrentHashMap<>();
  private static final int CACHE_LIMIT = 1024;

  private ConstraintChecker() {}

  /** The value a target names on this node, or null when the node has none. */
  public static String resolve(Node node, String target) {
    if (target == null) {
      return null;
    }
    if (!target.startsWith("${") || !target.endsWith("}")) {
      return target;
    }
    String name = target.substring(2, target.length() - 1);
    if (name.startsWith("attr.")) {
      return node.attributes().get(name.substring(5));
    }
    if (name.startsWith("meta.")) {
      return node.meta().get(name.substring(5));
    }
    return switch (name) {
      case "node.unique.id" -> node.id();
      case "node.unique.name" -> node.name();
      case "node.datacenter" -> node.datacenter();
      case "node.class" -> node.nodeClass();
      case "node.pool" -> node.nodePool();
      default -> null;
    };
  }

  /** How Nomad prints a constraint in {@code ConstraintFiltered}: {@code "${attr.x} = y"}. */
  public static String describe(Constraint c) {
    return (c.lTarget() + " " + c.operand() + " " + c.rTarget()).trim();
  }

  /** True when the node satisfies the constraint. */
  public static boolean satisfied(Node node, Constraint c) {
    String op = c.operand();
    if (DISTINCT_HOSTS.equals(op) || DISTINCT_PROPERTY.equals(op)) {
      return true;
    }
    return check(op, resolve(node, c.lTarget()), resolve(node, c.rTarget()));
  }

  /** One operator applied to resolved values; null means "not set on the node". */
  static boolean check(String op, String l, String r) {
    boolean both = l != null && r != null;
    return switch (op) {
      case "=", "==", "is" -> both && l.equals(r);
      case "!=", "not" -> l == null ? r != null : !l.equals(r);
      case "<", "<=", ">", ">=" -> both && order(op, l, r);
      case "regexp" -> both && regexp(r).map(p -> p.matcher(l).find()).orElse(false);
      case "version" -> both && version(r, false).matches(l);
      case "semver" -> both && version(r, true).matches(l);
      case "set_contains", "set_contains_all" -> both && set(l).containsAll(set(r));
      case "set_contains_any" -> both && set(r).stream().anyMatch(set(l)::contains);
      case "is_set" -> l != null;
      case "is_not_set" -> l == null;
      default -> false;
    };
  }

  private static boolean order(String op, String l, String r) {
    int cmp;
    BigDecimal ln = number(l);
    BigDecimal rn = number(r);
    cmp = ln != null && rn != null ? ln.compareTo(rn) : l.compareTo(r);
    return switch (op) {
      case "<" -> cmp < 0;
      case "<=" -> cmp <= 0;
      case ">" -> cmp > 0;
      default -> cmp >= 0;
    };
  }

  private static BigDecimal number(String s) {
    try {
      return new BigDecimal(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Set<String> set(String csv) {
    Set<String> out = new HashSet<>();
    for (String p : csv.split(",")) {
      out.add(p.trim());
    }
    return out;
  }

  private static java.util.Optional<Pattern> regexp(String re) {
    Pattern p = REGEXPS.get(re);
    if (p == null) {
      try {
        p = Pattern.compile(re);
      } catch (PatternSyntaxException e) {
        return java.util.Optional.empty();
      }
      if (REGEXPS.size() < CACHE_LIMIT) {
        REGEXPS.put(re, p);
      }
    }
    return java.util.Optional.of(p);
  }

  private static VersionConstraint version(String spec, boolean semver) {
    String key = (semver ? "s" : "v") + spec;
    VersionConstraint v = VERSIONS.get(key);
    if (v == null) {
      v = VersionConstraint.parse(spec, semver);
      if (VERSIONS.size() < CACHE_LIMIT) {
        VERSIONS.put(key, v);
      }
    }
    return v;
  }
}
