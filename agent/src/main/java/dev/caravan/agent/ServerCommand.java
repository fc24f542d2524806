package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.cluster.client.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code caravan server members}: the Raft servers, in the columns of Nomad's table. */
@Command(name = "server", description = "Interact with servers.",
    subcommands = {ServerCommand.Members.class})
final class ServerCommand {
  private ServerCommand() {}

  @Command(name = "members", description = "List the servers of the Raft group.")
  static final class Members implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;

    @Override
    public Integer call() throws Exception {
      JsonNode conf = JobCommand.get(JobCommand.address(address),
          "/v1/operator/raft/configuration");
      var out = spec.commandLine().getOut();
      String format = "%-40s  %-15s  %-5s  %-6s  %-6s  %-12s  %-10s  %-10s  %s%n";
      out.printf(format, "Name", "Address", "Port", "Status", "Leader", "Raft Version", "Build",
          "Datacenter", "Region");
      for (JsonNode s : conf.path("Servers")) {
        String addr = s.path("Address").asText();
        int colon = addr.lastIndexOf(':');
        out.printf(format, s.path("Node").asText() + ".global",
            colon < 0 ? addr : addr.substring(0, colon), colon < 0 ? "" : addr.substring(colon + 1),
            s.path("Status").asText("alive"), s.path("Leader").asBoolean(),
            s.path("RaftProtocol").asText(), Version.VERSION, "dc1", "global");
      }
      return 0;
    }
  }
}
