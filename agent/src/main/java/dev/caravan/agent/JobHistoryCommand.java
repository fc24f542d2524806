package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code caravan job history NAME [-p]}: every kept version, with -p its diff to the previous. */
@Command(name = "history", description = "Show a job's versions (with -p, each one's changes).")
final class JobHistoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Option(names = "-address", paramLabel = "ADDR") String address;
  @Option(names = "-p", description = "Print the diff of each version to the one before.") boolean diffs;
  @Parameters(arity = "1", paramLabel = "NAME") String name;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode r = Http.get(JobCommand.address(address), "/v1/job/" + DispatchCommand.pathSegment(name) + "/versions?diffs=true");
    JsonNode versions = r.path("Versions");
    JsonNode diffList = r.path("Diffs");
    for (int i = 0; i < versions.size(); i++) {
      JsonNode v = versions.get(i);
      out.printf("Version     = %d%nStable      = %s%nSubmit Date = %s%n", v.path("Version").asLong(),
          v.path("Stable").asBoolean(), java.time.Instant.ofEpochSecond(0,
              v.path("SubmitTime").asLong()));
      if (diffs && i < diffList.size()) {
        out.println("Diff        =");
        JsonNode d = diffList.get(i);
        if (d.path("Fields").isEmpty()) {
          out.println("  (no change)");
        }
        for (JsonNode f : d.path("Fields")) {
          String sign = switch (f.path("Type").asText()) {
            case "Added" -> "+";
            case "Deleted" -> "-";
            default -> "+/-";
          };
          out.printf("  %s %s: %s%n", sign, f.path("Name").asText(),
              "Edited".equals(f.path("Type").asText())
                  ? "\"" + f.path("Old").asText() + "\" => \"" + f.path("New").asText() + "\""
                  : "\"" + (sign.equals("+") ? f.path("New") : f.path("Old")).asText() + "\"");
        }
      }
      out.println();
    }
    return 0;
  }
}
