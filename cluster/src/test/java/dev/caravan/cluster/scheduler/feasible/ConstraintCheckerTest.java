package dev.caravan.cluster.scheduler.feasible;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.Node;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConstraintCheckerTest {
  private static final Node NODE = Node.builder().id("n-1").name("web-1").datacenter("eu-west")
      .nodeClass("gpu").nodePool("batch")
      .attributes(Map.of("kernel.name", "linux", "cpu.numcores", "8", "os.version", "22.04",
          "driver.docker.version", "24.0.7", "nomad.version", "1.7.0-beta.1",
          "features", "avx, sse4,aes"))
      .meta(Map.of("rack", "r1", "tier", "front"))
      .build();

  record Case(String left, String op, String right, boolean satisfied) {
    @Override
    public String toString() {
      return left + " " + op + " " + right + " -> " + satisfied;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("${attr.kernel.name}", "=", "linux", true),
        new Case("${attr.kernel.name}", "==", "linux", true),
        new Case("${attr.kernel.name}", "is", "windows", false),
        new Case("${attr.missing}", "=", "linux", false),
        new Case("${attr.kernel.name}", "!=", "windows", true),
        new Case("${attr.kernel.name}", "not", "linux", false),
        new Case("${attr.missing}", "!=", "linux", true),
        new Case("${attr.cpu.numcores}", ">", "10", false),
        new Case("${attr.cpu.numcores}", "<", "10", true),
        new Case("${attr.cpu.numcores}", ">=", "8", true),
        new Case("${attr.cpu.numcores}", "<=", "7.5", false),
        new Case("${attr.kernel.name}", "<", "m", true),
        new Case("${attr.missing}", "<", "10", false),
        new Case("${attr.kernel.name}", "regexp", "^lin", true),
        new Case("${attr.kernel.name}", "regexp", "^win", false),
        new Case("${attr.kernel.name}", "regexp", "([", false),
        new Case("${attr.driver.docker.version}", "version", ">= 1.2, < 25.0", true),
        new Case("${attr.driver.docker.version}", "version", ">= 25", false),
        new Case("${attr.driver.docker.version}", "version", "~> 24.0", true),
        new Case("${attr.driver.docker.version}", "version", "~> 23.1", false),
        new Case("${attr.os.version}", "version", "= 22.4", true),
        new Case("${attr.nomad.version}", "version", ">= 1.6", false),
        new Case("${attr.nomad.version}", "version", ">= 1.7.0-alpha", true),
        new Case("${attr.nomad.version}", "semver", ">= 1.6.0", true),
        new Case("${attr.nomad.version}", "semver", ">= 1.7.0", false),
        new Case("${attr.nomad.version}", "semver", ">= 1.7.0-alpha.2", true),
        new Case("${attr.driver.docker.version}", "semver", "< 24.1.0", true),
        new Case("${attr.os.version}", "semver", ">= 1.0.0", false),
        new Case("${attr.features}", "set_contains", "aes,avx", true),
        new Case("${attr.features}", "set_contains", "aes,neon", false),
        new Case("${attr.features}", "set_contains_any", "neon, sse4", true),
        new Case("${attr.features}", "set_contains_any", "neon", false),
        new Case("${meta.rack}", "is_set", "", true),
        new Case("${meta.zone}", "is_set", "", false),
        new Case("${meta.zone}", "is_not_set", "", true),
        new Case("${meta.tier}", "=", "front", true),
        new Case("${node.unique.id}", "=", "n-1", true),
        new Case("${node.unique.name}", "=", "web-1", true),
        new Case("${node.datacenter}", "regexp", "^eu-", true),
        new Case("${node.class}", "=", "gpu", true),
        new Case("${node.pool}", "=", "default", false),
        new Case("${attr.kernel.name}", "bogus", "linux", false),
        new Case("", "distinct_hosts", "true", true));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void judgesEveryNomadOperatorAgainstTheNode(Case c) {
    boolean got = ConstraintChecker.satisfied(NODE, new Constraint(c.left(), c.right(), c.op()));

    assertEquals(c.satisfied(), got, c.toString());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void describesAConstraintAsNomadPrintsIt(Case c) {
    String text = ConstraintChecker.describe(new Constraint(c.left(), c.right(), c.op()));

    assertEquals((c.left() + " " + c.op() + " " + c.right()).trim(), text);
  }
}
