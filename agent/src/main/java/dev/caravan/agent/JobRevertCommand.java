package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code caravan job revert NAME VERSION}: registers a kept older version as the newest. */
@Command(name = "revert", description = "Revert a job to an older version (a new version equal to it).")
final class JobRevertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Option(names = "-address", paramLabel = "ADDR") String address;
  @Option(names = "-prior-version", paramLabel = "N",
      description = "Refuse unless the current version is N.") Long prior;
  @Parameters(index = "0", paramLabel = "NAME") String name;
  @Parameters(index = "1", paramLabel = "VERSION") long version;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("JobID", name);
    body.put("JobVersion", version);
    body.put("EnforcePriorVersion", prior);
    JsonNode r = Http.post(JobCommand.address(address), "/v1/job/" + DispatchCommand.pathSegment(name) + "/revert", body);
    spec.commandLine().getOut().println("==> Job " + name + " reverted to version " + version
        + " (evaluation " + r.path("EvalID").asText() + ")");
    return 0;
  }
}
