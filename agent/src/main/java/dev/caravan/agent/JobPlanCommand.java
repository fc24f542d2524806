package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.plan.JobPlanResponse;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.reconciler.jobspec.JobspecError;
import dev.caravan.reconciler.jobspec.Jobspec;
import dev.caravan.reconciler.jobspec.JobspecException;
import dev.caravan.reconciler.plan.JobPlanText;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code caravan job plan [-diff=true] [-verbose] FILE}: asks the agent what registering the
 * job would do ({@code POST /v1/job/:id/plan}) and prints it as {@code nomad job plan} does.
 * Exit codes are Nomad's: 0 no allocation changes, 1 allocation changes, 255 an error.
 */
@Command(name = "plan", description = "Dry-run a job: show its diff and what the scheduler would do.")
final class JobPlanCommand implements Callable<Integer> {
  static final int EXIT_ERROR = 255;
  private static final ObjectMapper JSON = NomadJson.mapper();

  @Spec CommandSpec spec;
  @Option(names = "-address", paramLabel = "ADDR") String address;
  @Option(names = "-diff", arity = "0..1", fallbackValue = "true", defaultValue = "true",
      description = "Show the diff against the live job (default true).") boolean diff;
  @Option(names = "-verbose", description = "Show unchanged fields too.") boolean verbose;
  @Mixin JobCommand.VariableOptions variables = new JobCommand.VariableOptions();
  @Parameters(arity = "1", paramLabel = "FILE") Path file;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      Map<String, Object> values = variables.fileVars(err);
      if (values == null) {
        return EXIT_ERROR;
      }
      Job job;
      try {
        job = Jobspec.parse(file.toString(), Files.readString(file), variables.cliVars(), values);
      } catch (JobspecException e) {
        e.errors().stream().map(JobspecError::toString).forEach(err::println);
        return EXIT_ERROR;
      } catch (IOException e) {
        throw new Main.CliException(file + ": cannot read: " + e.getMessage());
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("Job", job);
      body.put("Diff", diff);
      JsonNode answer = Http.post(JobCommand.address(address), "/v1/job/"
          + URLEncoder.encode(job.id(), StandardCharsets.UTF_8).replace("+", "%20") + "/plan",
          body);
      JobPlanResponse plan;
      try {
        plan = JSON.treeToValue(answer, JobPlanResponse.class);
      } catch (IOException e) {
        throw new Main.CliException("cannot read the agent's plan: " + e.getMessage());
      }
      spec.commandLine().getOut().print(JobPlanText.render(plan, job.type(), file.toString(),
          verbose, Instant.now()));
      spec.commandLine().getOut().flush();
      return JobPlanText.exitCode(plan);
    } catch (Main.CliException e) {
      err.println("Error: " + e.getMessage());
      return EXIT_ERROR;
    }
  }
}
