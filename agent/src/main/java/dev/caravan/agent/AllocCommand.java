package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code caravan alloc ...}: status of one allocation, its tasks and their recent events. */
@Command(name = "alloc", description = "Interact with allocations.",
    subcommands = {AllocCommand.Status.class, AllocLogsCommand.class})
final class AllocCommand {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX").withZone(ZoneOffset.UTC);

  private AllocCommand() {}

  @Command(name = "status",
      description = "Show an allocation (an ID or a unique prefix of one), its tasks and events.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Option(names = "-verbose", description = "Full IDs.") boolean verbose;
    @Parameters(arity = "1", paramLabel = "ALLOC_ID") String allocId;

    @Override
    public Integer call() throws Exception {
      String addr = JobCommand.address(address);
      String id = resolve(addr, allocId);
      JsonNode a = JobCommand.get(addr, "/v1/allocation/" + id);
      print(spec.commandLine().getOut(), a, verbose);
      return 0;
    }
  }

  /**
   * The one allocation id {@code prefix} names, as Nomad resolves it.
   *
   * @throws Main.CliException when it names none or several
   */
  static String resolve(String address, String prefix) throws Main.CliException {
    if (prefix.length() < 2) {
      throw new Main.CliException("Alloc ID must contain at least two characters");
    }
    List<JsonNode> matches = new ArrayList<>();
    for (JsonNode a : JobCommand.get(address, "/v1/allocations")) {
      if (a.path("ID").asText().startsWith(prefix)) {
        matches.add(a);
      }
    }
    if (matches.isEmpty()) {
      throw new Main.CliException("No allocation(s) with prefix or id \"" + prefix + "\" found");
    }
    if (matches.size() > 1) {
      StringBuilder out = new StringBuilder("Prefix matched multiple allocations:");
      matches.forEach(m -> out.append("\n  ").append(m.path("ID").asText()).append("  ")
          .append(m.path("Name").asText()).append("  ").append(m.path("ClientStatus").asText()));
      throw new Main.CliException(out.toString());
    }
    return matches.get(0).path("ID").asText();
  }

  static void print(PrintWriter out, JsonNode a, boolean verbose) {
    String[][] rows = {
        {"ID", id(a.path("ID").asText(), verbose)},
        {"Eval ID", id(a.path("EvalID").asText(), verbose)},
        {"Name", a.path("Name").asText()},
        {"Node ID", id(a.path("NodeID").asText(), verbose)},
        {"Node Name", a.path("NodeName").asText()},
        {"Job ID", a.path("JobID").asText()},
        {"Job Version", a.path("Job").path("Version").asText("0")},
        {"Client Status", a.path("ClientStatus").asText()},
        {"Client Description", orNone(a.path("ClientDescription").asText())},
        {"Desired Status", a.path("DesiredStatus").asText()},
        {"Desired Description", orNone(a.path("DesiredDescription").asText())},
        {"Created", time(a.path("CreateTime").asLong())},
        {"Modified", time(a.path("ModifyTime").asLong())},
    };
    for (String[] row : rows) {
      out.printf("%-19s = %s%n", row[0], row[1]);
    }
    Map<String, JsonNode> tasks = new TreeMap<>();
    a.path("TaskStates").fields().forEachRemaining(e -> tasks.put(e.getKey(), e.getValue()));
    for (Map.Entry<String, JsonNode> t : tasks.entrySet()) {
      JsonNode s = t.getValue();
      out.println();
      out.printf("Task \"%s\" is \"%s\"%s%n", t.getKey(), s.path("State").asText(),
          s.path("Failed").asBoolean() ? " (failed)" : "");
      out.printf("Restarts = %d%n", s.path("Restarts").asLong());
      out.println();
      out.println("Recent Events:");
      out.printf("%-25s  %-18s  %s%n", "Time", "Type", "Description");
      List<JsonNode> events = new ArrayList<>();
      s.path("Events").forEach(events::add);
      for (int i = events.size() - 1; i >= 0; i--) {
        JsonNode e = events.get(i);
        String message = e.path("DisplayMessage").asText("");
        if (message.isEmpty()) {
          message = e.path("Message").asText("");
        }
        out.printf("%-25s  %-18s  %s%n", time(e.path("Time").asLong()), e.path("Type").asText(),
            message);
      }
    }
    out.flush();
  }

  private static String id(String id, boolean verbose) {
    return verbose || id.length() <= 8 ? id : id.substring(0, 8);
  }

  private static String orNone(String s) {
    return s == null || s.isEmpty() || s.equals("null") ? "<none>" : s;
  }

  private static String time(long unixNanos) {
    if (unixNanos <= 0) {
      return "<none>";
    }
    return TIME.format(Instant.ofEpochSecond(0, unixNanos));
  }
}
