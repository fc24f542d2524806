package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code caravan node ...}: status, eligibility and drain, as Nomad's CLI. */
@Command(name = "node", description = "Interact with client nodes.",
    subcommands = {NodeCommand.Status.class, NodeCommand.Eligibility.class,
        NodeCommand.Drain.class})
final class NodeCommand {

  private NodeCommand() {}

  /** Exactly one of -enable / -disable. */
  static final class Toggle {
    @Option(names = "-enable", required = true) boolean enable;
    @Option(names = "-disable", required = true) boolean disable;
  }

  @Command(name = "status", description = "List client nodes.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      out.printf("%-36s  %-8s  %-16s  %-8s  %-11s  %-6s  %s%n", "ID", "Node Pool", "Name",
          "DC", "Eligibility", "Drain", "Status");
      for (JsonNode n : JobCommand.get(JobCommand.address(address), "/v1/nodes")) {
        out.printf("%-36s  %-8s  %-16s  %-8s  %-11s  %-6s  %s%n", n.path("ID").asText(),
            n.path("NodePool").asText(), n.path("Name").asText(), n.path("Datacenter").asText(),
            n.path("SchedulingEligibility").asText(), n.path("Drain").asBoolean(),
            n.path("Status").asText());
      }
      return 0;
    }
  }

  @Command(name = "eligibility", description = "Toggle a node's scheduling eligibility.")
  static final class Eligibility implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @ArgGroup(exclusive = true, multiplicity = "1") Toggle toggle;
    @Parameters(paramLabel = "NODE") String nodeId;

    @Override
    public Integer call() throws Exception {
      String value = toggle.enable ? "eligible" : "ineligible";
      Http.post(JobCommand.address(address), "/v1/node/" + nodeId + "/eligibility",
          Map.of("NodeID", nodeId, "Eligibility", value));
      spec.commandLine().getOut().printf("Node \"%s\" scheduling eligibility set: %s for scheduling%n",
          nodeId, value);
      return 0;
    }
  }

  @Command(name = "drain", description = "Start or stop draining a node.")
  static final class Drain implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @ArgGroup(exclusive = true, multiplicity = "1") Toggle toggle;
    @Option(names = "-deadline", paramLabel = "DURATION",
        description = "Stop what is left after this long (Go duration, default 1h).")
    String deadline;
    @Option(names = "-force", description = "Stop every allocation at once.") boolean force;
    @Option(names = "-no-deadline", description = "Wait for migrations without a deadline.")
    boolean noDeadline;
    @Option(names = "-ignore-system", description = "Leave system jobs running.")
    boolean ignoreSystem;
    @Option(names = "-keep-ineligible", description = "With -disable: stay ineligible.")
    boolean keepIneligible;
    @Option(names = "-yes", description = "Do not ask for confirmation.") boolean yes;
    @Parameters(paramLabel = "NODE") String nodeId;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("NodeID", nodeId);
      if (toggle.enable) {
        long nanos = force ? -1 : noDeadline ? 0
            : Durations.parse(deadline == null ? "1h" : deadline, "-deadline").toNanos();
        body.put("DrainSpec", Map.of("Deadline", nanos, "IgnoreSystemJobs", ignoreSystem));
        body.put("MarkEligible", false);
      } else {
        body.put("DrainSpec", null);
        body.put("MarkEligible", !keepIneligible);
      }
      Http.post(JobCommand.address(address), "/v1/node/" + nodeId + "/drain", body);
      spec.commandLine().getOut().printf(toggle.enable
          ? "Node \"%s\" drain strategy set%n" : "Node \"%s\" drain strategy unset%n", nodeId);
      return 0;
    }
  }
}
