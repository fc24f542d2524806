package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code caravan job periodic force NAME}, and the periodic part of {@code job status}. */
@Command(name = "periodic", description = "Interact with periodic jobs.",
    subcommands = {PeriodicCommand.Force.class})
final class PeriodicCommand {

  @Command(name = "force", description = "Launch a periodic job now, whatever its schedule.")
  static final class Force implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Parameters(arity = "1", paramLabel = "NAME") String name;

    @Override
    public Integer call() throws Exception {
      JsonNode r = Http.post(JobCommand.address(address),
          "/v1/job/" + DispatchCommand.pathSegment(name) + "/periodic/force", Map.of());
      spec.commandLine().getOut().printf("Forced a launch of periodic job \"%s\"%nEvaluation ID = %s%n",
          name, r.path("EvalID").asText());
      return 0;
    }
  }

  /**
   * For {@code job status NAME}: the next launch and the last launches (and skips) of a periodic
   * job, the children of a parameterized one; prints nothing for other jobs.
   */
  static void printStatus(PrintWriter out, String address, JsonNode job, Instant now)
      throws Main.CliException {
    boolean periodic = job.path("Periodic").isObject();
    boolean parameterized = job.path("ParameterizedJob").isObject() && !job.path("Dispatched").asBoolean();
    if (!periodic && !parameterized) {
      return;
    }
    JsonNode s = JobCommand.get(address, "/v1/job/" + DispatchCommand.pathSegment(job.path("ID").asText())
        + "/periodic");
    if (periodic) {
      out.printf("Periodic      = true%n");
      long next = s.path("Next").asLong();
      out.printf("Next Periodic Launch = %s%n", next == 0 ? "none"
          : Instant.ofEpochSecond(0, next) + " (in " + human(Duration.between(now, Instant.ofEpochSecond(0, next))) + ")");
      out.println();
      out.println("Last Launches");
      out.printf("%-22s  %-36s  %s%n", "Slot", "Child", "Outcome");
      for (JsonNode e : s.path("Launch").path("History")) {
        String outcome = e.path("Skipped").asBoolean() ? "skipped: " + e.path("Reason").asText()
            : e.path("Forced").asBoolean() ? "forced" : "launched";
        out.printf("%-22s  %-36s  %s%n", Instant.ofEpochSecond(e.path("Slot").asLong()),
            e.path("ChildID").isTextual() ? e.path("ChildID").asText() : "-", outcome);
      }
    } else {
      out.printf("Parameterized = true%n");
    }
    out.println();
    out.println(periodic ? "Previously Launched Jobs" : "Dispatched Jobs");
    out.printf("%-44s  %s%n", "ID", "Status");
    for (JsonNode c : s.path("Children")) {
      out.printf("%-44s  %s%n", c.path("ID").asText(), c.path("Status").asText());
    }
  }

  private static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return s >= 3600 ? (s / 3600) + "h" + (s % 3600 / 60) + "m" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
  }
}
