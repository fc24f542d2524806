package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.reconciler.plan.SourcePlan;
import dev.caravan.reconciler.plan.PlanMarkdown;
import dev.caravan.reconciler.plan.PlanText;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code caravan plan -source NAME [-ref REF]} plans a ref of a source; {@code caravan plan DIR}
 * plans a local checkout's job files. Exit codes as {@code nomad job plan}: 0 no changes,
 * 1 changes, 255 errors.
 */
@Command(name = "plan", description = "Show what syncing a ref, or a local checkout, would change.")
final class PlanCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = NomadJson.mapper();

  @Spec CommandSpec spec;
  @Option(names = "-address", paramLabel = "ADDR") String address;
  @Option(names = "-source", paramLabel = "NAME") String source;
  @Option(names = "-ref", paramLabel = "REF") String ref;
  @Option(names = "-paths", paramLabel = "GLOB", split = ",",
      description = "Job file globs for DIR (default jobs/**/*.hcl)") List<String> paths;
  @Option(names = "-json", description = "Print the plan as JSON (same as -format json).") boolean json;
  @Option(names = "-format", paramLabel = "FORMAT",
      description = "text (default), markdown (a pull request preview, for CI) or json") String format;
  @Parameters(arity = "0..1", paramLabel = "DIR") Path dir;

  @Override
  public Integer call() {
    String fmt = format == null ? "text" : format;
    if (!List.of("text", "markdown", "json").contains(fmt)) {
      spec.commandLine().getErr().println("Error: -format: expected text, markdown or json, got \""
          + fmt + "\"");
      return 255;
    }
    try {
      JsonNode body;
      String addr = JobCommand.address(address);
      if (dir != null) {
        Map<String, Object> req = new LinkedHashMap<>();
        if (source != null) {
          req.put("Source", source);
        }
        req.put("Files", files(dir, paths == null ? List.of("jobs/**/*.hcl") : paths));
        body = SourceCommand.send(addr, "POST", "/v1/caravan/plan", req);
      } else if (source != null) {
        body = SourceCommand.send(addr, "GET", "/v1/caravan/sources/" + SourceCommand.enc(source)
            + "/plan" + (ref == null ? "" : "?ref=" + SourceCommand.enc(ref)), null);
      } else {
        spec.commandLine().getErr().println("Error: give -source NAME [-ref REF], or a DIR");
        return 255;
      }
      SourcePlan plan = JSON.treeToValue(body, SourcePlan.class);
      spec.commandLine().getOut().print(switch (json ? "json" : fmt) {
        case "json" -> JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n";
        case "markdown" -> PlanMarkdown.render(plan);
        default -> PlanText.render(plan);
      });
      return plan.exitCode();
    } catch (Main.CliException | IOException e) {
      spec.commandLine().getErr().println("Error: " + e.getMessage());
      return 255;
    }
  }

  /** The job files (and any other files the globs name) of a checkout, by relative path. */
  static Map<String, String> files(Path dir, List<String> globs) throws IOException {
    List<PathMatcher> matchers = globs.stream().flatMap(g -> Stream.of(g, g.replace("**/", "")))
        .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    Map<String, String> out = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        Path rel = dir.relativize(p);
        if (!rel.startsWith(".git") && matchers.stream().anyMatch(m -> m.matches(rel))) {
          out.put(rel.toString().replace('\\', '/'), Files.readString(p));
        }
      }
    }
    return out;
  }
}
