package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every job file of the Nomad corpus ({@code ../shared/corpus/nomad-jobspecs} beside the
 * repository, or {@code -Dcaravan.corpus=DIR}): a file Nomad accepts parses, defaults and
 * validates, or its only errors name a feature Caravan documents as unsupported; a file Nomad
 * rejects is rejected. Each file that parses also survives the API JSON round trip. Skipped
 * when the corpus is absent.
 */
class NomadCorpusConformanceTest {

  /** From the corpus README: the fixtures Nomad's own parser tests expect to fail. */
  static final Set<String> REJECTED = Set.of("multi-network.hcl", "multi-resource.hcl",
      "multi-vault.hcl", "bad-artifact.hcl", "service-check-bad-header.hcl",
      "tg-scaling-policy-missing-max.hcl", "tg-scaling-policy-multi-policy.hcl",
      "tg-scaling-policy-with-label.hcl", "tg-scaling-policy-invalid-type.hcl",
      "task-scaling-policy-missing-name.hcl", "task-scaling-policy-multi-name.hcl",
      "task-scaling-policy-multi-cpu.hcl", "task-scaling-policy-invalid-type.hcl",
      "task-scaling-policy-invalid-resource.hcl", "bad-ports.hcl", "overlapping-ports.hcl",
      "basic_wrong_key.hcl");

  private static final Pattern NO_VALUE = Pattern.compile(
      "variable \"([^\"]+)\" has no default and no value was given");

  static Path corpus() {
    String configured = System.getProperty("caravan.corpus");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("mvnw"))) {
        return dir.resolveSibling("shared").resolve("corpus").resolve("nomad-jobspecs");
      }
    }
    return Path.of("../shared/corpus/nomad-jobspecs");
  }

  static List<Path> jobFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().equals("README.md"))
          .sorted().toList();
    }
  }

  /** The outcome for one file: parsed, refused only for unsupported features, or failed. */
  record Outcome(Path file, Job job, JobspecException error) {
    boolean onlyUnsupported() {
      return error != null && error.errors().stream()
          .allMatch(e -> e.message().contains(Unsupported.MARKER));
    }
  }

  /** Parses with typed stand-ins for variables without a default, as the README says. */
  static Outcome parse(Path file) throws IOException {
    return read(file, true);
  }

  /**
   * Reads with validation, or without it for Nomad's parser fixtures: Nomad's parser test
   * accepts files its validation would refuse (no task group, no driver, a four-field cron).
   */
  static Outcome read(Path file, boolean validate) throws IOException {
    String content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    Map<String, String> vars = new HashMap<>();
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        return new Outcome(file, validate ? Jobspec.parse(file.toString(), content, vars)
            : Jobspec.decode(file.toString(), content, vars, Map.of()), null);
      } catch (JobspecException e) {
        boolean retry = false;
        for (JobspecError err : e.errors()) {
          Matcher m = NO_VALUE.matcher(err.message());
          if (m.find()) {
            vars.put(m.group(1), standIn(content, m.group(1)));
            retry = true;
          }
        }
        if (!retry) {
          return new Outcome(file, null, e);
        }
      }
    }
    throw new AssertionError("unreachable");
  }

  private static String standIn(String content, String name) {
    Matcher m = Pattern.compile("variable\\s+\"" + Pattern.quote(name)
        + "\"\\s*\\{[^}]*?type\\s*=\\s*([a-z]+)", Pattern.DOTALL).matcher(content);
    String type = m.find() ? m.group(1) : "string";
    return switch (type) {
      case "number" -> "1";
      case "bool" -> "true";
      case "list", "set", "tuple" -> "[]";
      case "map", "object" -> "{}";
      default -> "x";
    };
  }

  @Test
  void everyCorpusFileMeetsNomadsVerdict() throws Exception {
    Path root = corpus();
    assumeTrue(Files.isDirectory(root), "no corpus at " + root);
    List<Path> files = jobFiles(root);
    int accepted = 0;
    int acceptedParsed = 0;
    int acceptedUnsupported = 0;
    int rejected = 0;
    int rejectedRefused = 0;
    List<String> failures = new ArrayList<>();
    Map<String, Integer> features = new TreeMap<>();
    for (Path file : files) {
      String name = root.relativize(file).toString();
      boolean parserFixture = name.startsWith("jobspec-hcl1-fixtures")
          || name.startsWith("jobspec2/test-fixtures");
      boolean nomadRejects = REJECTED.contains(file.getFileName().toString());
      Outcome o = read(file, nomadRejects || !parserFixture);
      if (nomadRejects) {
        rejected++;
        if (o.error() != null) {
          rejectedRefused++;
        } else {
          failures.add(name + ": Nomad rejects it, Caravan parsed it");
        }
        continue;
      }
      accepted++;
      if (o.job() != null) {
        acceptedParsed++;
        String json = JobJson.toApiJson(o.job());
        Job back = JobJson.fromApiJson(json);
        if (!o.job().equals(back)) {
          failures.add(name + ": JSON round trip differs");
        }
      } else if (o.onlyUnsupported()) {
        acceptedUnsupported++;
        for (JobspecError e : o.error().errors()) {
          String feature = e.message().substring(0, e.message().indexOf(Unsupported.MARKER)).strip();
          features.merge(feature, 1, Integer::sum);
        }
      } else {
        o.error().errors().stream()
            .filter(e -> !e.message().contains(Unsupported.MARKER))
            .forEach(e -> failures.add(name + ": " + e));
      }
    }
    System.out.printf("nomad corpus: %d files; Nomad accepts %d: %d parse and validate, %d refused "
            + "only for unsupported features; Nomad rejects %d: %d rejected%n",
        files.size(), accepted, acceptedParsed, acceptedUnsupported, rejected, rejectedRefused);
    System.out.println("unsupported features refused (errors): " + features);
    failures.forEach(f -> System.out.println("  " + f));

    assertEquals(List.of(), failures);
    assertTrue(acceptedParsed > 0);
  }
}
