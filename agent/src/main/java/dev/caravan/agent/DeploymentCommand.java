package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code caravan deployment list|status|promote|pause|resume|fail}. */
@Command(name = "deployment", description = "Interact with deployments.",
    subcommands = {DeploymentCommand.ListDeployments.class, DeploymentCommand.Status.class,
        DeploymentCommand.Promote.class, DeploymentCommand.Pause.class,
        DeploymentCommand.Resume.class, DeploymentCommand.Fail.class})
final class DeploymentCommand {
  private DeploymentCommand() {}

  @Command(name = "list", description = "List deployments, newest first.")
  static final class ListDeployments implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-8s  %-20s  %-11s  %-10s  %s%n", "ID", "Job ID", "Job Version", "Status",
          "Description");
      for (JsonNode d : Http.get(JobCommand.address(address), "/v1/deployments")) {
        out.printf("%-8s  %-20s  %-11d  %-10s  %s%n",
            DeploymentMonitor.shortId(d.path("ID").asText()), d.path("JobID").asText(),
            d.path("JobVersion").asLong(), d.path("Status").asText(),
            d.path("StatusDescription").asText());
      }
      return 0;
    }
  }

  @Command(name = "status", description = "Show a deployment; with -monitor follow it to its end"
      + " (exit code 0 successful, 2 failed).")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Option(names = "-monitor", description = "Follow the deployment until it ends.") boolean monitor;
    @Parameters(arity = "1", paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      String addr = JobCommand.address(address);
      if (monitor) {
        return new DeploymentMonitor(addr, out, System.console() != null).follow(id);
      }
      DeploymentMonitor.render(Http.get(addr, "/v1/deployment/" + id)).forEach(out::println);
      return 0;
    }
  }

  @Command(name = "promote", description = "Promote a deployment's canaries (all groups, or -group).")
  static final class Promote implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Option(names = "-group", paramLabel = "GROUP", description = "A group to promote (repeatable).")
    List<String> groups;
    @Parameters(arity = "1", paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> body = groups == null || groups.isEmpty() ? Map.of("All", true)
          : Map.of("Groups", groups);
      Http.post(JobCommand.address(address), "/v1/deployment/promote/" + id, body);
      spec.commandLine().getOut().println("==> Deployment " + id + " promoted");
      return 0;
    }
  }

  @Command(name = "pause", description = "Pause a deployment: nothing more is replaced.")
  static final class Pause implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Parameters(arity = "1", paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      Http.post(JobCommand.address(address), "/v1/deployment/pause/" + id, Map.of("Pause", true));
      spec.commandLine().getOut().println("==> Deployment " + id + " paused");
      return 0;
    }
  }

  @Command(name = "resume", description = "Resume a paused deployment.")
  static final class Resume implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Parameters(arity = "1", paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      Http.post(JobCommand.address(address), "/v1/deployment/pause/" + id, Map.of("Pause", false));
      spec.commandLine().getOut().println("==> Deployment " + id + " resumed");
      return 0;
    }
  }

  @Command(name = "fail", description = "Mark a deployment failed (auto-reverting if configured).")
  static final class Fail implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Parameters(arity = "1", paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      Http.post(JobCommand.address(address), "/v1/deployment/fail/" + id, Map.of());
      spec.commandLine().getOut().println("==> Deployment " + id + " marked as failed");
      return 0;
    }
  }
}
