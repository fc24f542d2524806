package dev.caravan.cluster.scheduler.feasible;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A comma-separated list of version conditions ({@code ">= 1.2, < 2.0"}, {@code "~> 1.4"}),
 * as hashicorp/go-version ({@code version}) or strict semantic versioning ({@code semver},
 * which has no {@code ~>} and needs three numeric parts). A spec that does not parse matches
 * nothing.
 */
final class VersionConstraint {
  private static final Pattern CONDITION =
      Pattern.compile("^\\s*(=|!=|>=|<=|>|<|~>)?\\s*v?([0-9][0-9A-Za-z.+\\-]*)\\s*$");
  private static final Pattern VERSION =
      Pattern.compile("^v?([0-9]+(?:\\.[0-9]+)*)(?:-([0-9A-Za-z.\\-]+))?(?:\\+[0-9A-Za-z.\\-]+)?$");

  private record Condition(String op, Version version) {}

  /** A parsed version: numeric segments (padded to three) and an optional pre-release. */
  record Version(long[] segments, String pre, int given) implements Comparable<Version> {
    static Version parse(String s, boolean strict) {
      Matcher m = VERSION.matcher(s.trim());
      if (!m.matches()) {
        return null;
      }
      String[] parts = m.group(1).split("\\.");
      if (strict && parts.length != 3) {
        return null;
      }
      long[] seg = new long[Math.max(3, parts.length)];
      try {
        for (int i = 0; i < parts.length; i++) {
          seg[i] = Long.parseLong(parts[i]);
        }
      } catch (NumberFormatException e) {
        return null;
      }
      return new Version(seg, m.group(2), parts.length);
    }

    @Override
    public int compareTo(Version o) {
      int n = Math.max(segments.length, o.segments.length);
      for (int i = 0; i < n; i++) {
        long a = i < segments.length ? segments[i] : 0;
        long b = i < o.segments.length ? o.segments[i] : 0;
        if (a != b) {
          return Long.compare(a, b);
        }
      }
      if (pre == null || o.pre == null) {
        return pre == null ? (o.pre == null ? 0 : 1) : -1;
      }
      return comparePre(pre, o.pre);
    }

    private static int comparePre(String a, String b) {
      String[] x = a.split("\\.");
      String[] y = b.split("\\.");
      for (int i = 0; i < Math.min(x.length, y.length); i++) {
        boolean xn = x[i].matches("[0-9]+");
        boolean yn = y[i].matches("[0-9]+");
        int c = xn && yn ? Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]))
            : xn ? -1 : yn ? 1 : x[i].compareTo(y[i]);
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(x.length, y.length);
    }
  }

  private final List<Condition> conditions;
  private final boolean strict;

  private VersionConstraint(List<Condition> conditions, boolean strict) {
    this.conditions = conditions;
    this.strict = strict;
  }

  static VersionConstraint parse(String spec, boolean semver) {
    List<Condition> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      Matcher m = CONDITION.matcher(part);
      Version v = m.matches() ? Version.parse(m.group(2), semver) : null;
      String op = m.matches() && m.group(1) != null ? m.group(1) : "=";
      if (v == null || (semver && "~>".equals(op))) {
        return new VersionConstraint(null, semver);
      }
      out.add(new Condition(op, v));
    }
    return new VersionConstraint(out, semver);
  }

  boolean matches(String value) {
    if (conditions == null) {
      return false;
    }
    Version v = Version.parse(value, strict);
    if (v == null) {
      return false;
    }
    for (Condition c : conditions) {
      if (!holds(c, v)) {
        return false;
      }
    }
    return true;
  }

  private boolean holds(Condition c, Version v) {
    // go-version: a pre-release only satisfies conditions that name a pre-release themselves
    if (!strict && v.pre() != null && c.version().pre() == null) {
      return false;
    }
    int cmp = v.compareTo(c.version());
    return switch (c.op()) {
      case "=" -> cmp == 0;
      case "!=" -> cmp != 0;
      case ">" -> cmp > 0;
      case "<" -> cmp < 0;
      case ">=" -> cmp >= 0;
      case "<=" -> cmp <= 0;
      default -> cmp >= 0 && pessimisticPrefix(c.version(), v);
    };
  }

  /** {@code ~> 1.2.3} allows 1.2.x; {@code ~> 1.2} allows 1.x. */
  private static boolean pessimisticPrefix(Version base, Version v) {
    int fixed = Math.max(1, base.given() - 1);
    for (int i = 0; i < fixed; i++) {
      if (base.segments()[i] != v.segments()[i]) {
        return false;
      }
    }
    return true;
  }
}
