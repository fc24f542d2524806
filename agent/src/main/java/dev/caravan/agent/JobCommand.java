package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.reconciler.jobspec.JobJson;
import dev.caravan.reconciler.jobspec.Jobspec;
import dev.caravan.reconciler.jobspec.JobspecError;
import dev.caravan.reconciler.jobspec.JobspecException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code caravan job ...}: status, validate, run -output. */
@Command(name = "job", description = "Interact with jobs.",
    subcommands = {JobCommand.Status.class, JobCommand.Validate.class, JobCommand.Run.class,
        JobPlanCommand.class,
        PeriodicCommand.class, DispatchCommand.class, JobHistoryCommand.class,
        JobRevertCommand.class})
final class JobCommand {
  private static final ObjectMapper JSON = NomadJson.mapper();

  static String address(String flag) {
    if (flag != null) {
      return flag;
    }
    String env = System.getenv("CARAVAN_ADDR");
    if (env == null) {
      env = System.getenv("NOMAD_ADDR");
    }
    return env == null ? "http://127.0.0.1:4646" : env;
  }

  static JsonNode get(String address, String path) throws Main.CliException {
    return Http.get(address, path);
  }

  @Command(name = "status", description = "Show a job's status and allocations, or list jobs.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Parameters(arity = "0..1", paramLabel = "NAME") String name;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      String addr = address(address);
      if (name == null) {
        out.printf("%-24s %-10s %-9s %s%n", "ID", "Type", "Priority", "Status");
        for (JsonNode j : get(addr, "/v1/jobs")) {
          out.printf("%-24s %-10s %-9d %s%n", j.path("ID").asText(), j.path("Type").asText(),
              j.path("Priority").asInt(), j.path("Status").asText());
        }
        return 0;
      }
      JsonNode job = get(addr, "/v1/job/" + DispatchCommand.pathSegment(name));
      out.printf("ID            = %s%nName          = %s%nType          = %s%nPriority      = %d%n"
              + "Status        = %s%nVersion       = %d%n",
          job.path("ID").asText(), job.path("Name").asText(), job.path("Type").asText(),
          job.path("Priority").asInt(), job.path("Status").asText(), job.path("Version").asLong());
      JsonNode meta = job.path("Meta");
      if (meta.has("caravan.commit")) {
        out.printf("Source        = %s:%s@%s%n", meta.path("caravan.source").asText(),
            meta.path("caravan.path").asText(), meta.path("caravan.commit").asText());
      }
      PeriodicCommand.printStatus(out, addr, job, java.time.Instant.now());
      out.println();
      out.println("Allocations");
      out.printf("%-8s  %-8s  %-10s  %-7s  %-8s  %s%n", "ID", "Node ID", "Task Group", "Version",
          "Desired", "Status");
      for (JsonNode a : get(addr, "/v1/job/" + DispatchCommand.pathSegment(name) + "/allocations")) {
        out.printf("%-8s  %-8s  %-10s  %-7d  %-8s  %s%n", shortId(a.path("ID").asText()),
            shortId(a.path("NodeID").asText()), a.path("TaskGroup").asText(),
            a.path("JobVersion").asLong(), a.path("DesiredStatus").asText(),
            a.path("ClientStatus").asText());
      }
      return 0;
    }

    private static String shortId(String id) {
      return id.length() > 8 ? id.substring(0, 8) : id;
    }
  }

  /** {@code -var KEY=VALUE} and {@code -var-file FILE}, shared by validate and run. */
  static final class VariableOptions {
    @Option(names = "-var", paramLabel = "KEY=VALUE",
        description = "A value for a variable the job declares; repeatable.")
    List<String> vars = List.of();

    @Option(names = "-var-file", paramLabel = "FILE",
        description = "An HCL file of KEY = VALUE lines; repeatable, later files win.")
    List<Path> varFiles = List.of();

    Map<String, String> cliVars() throws Main.CliException {
      Map<String, String> out = new LinkedHashMap<>();
      for (String v : vars) {
        int eq = v.indexOf('=');
        if (eq <= 0) {
          throw new Main.CliException("-var takes KEY=VALUE, got \"" + v + "\"");
        }
        out.put(v.substring(0, eq), v.substring(eq + 1));
      }
      return out;
    }

    /** The var files' values, or null after printing their errors. */
    Map<String, Object> fileVars(PrintWriter err) throws Main.CliException {
      Map<String, Object> out = new LinkedHashMap<>();
      boolean ok = true;
      for (Path f : varFiles) {
        try {
          out.putAll(Jobspec.parseVarFile(f.toString(), Files.readString(f)));
        } catch (JobspecException e) {
          e.errors().forEach(err::println);
          ok = false;
        } catch (IOException e) {
          throw new Main.CliException(f + ": cannot read: " + e.getMessage());
        }
      }
      return ok ? out : null;
    }
  }

  @Command(name = "validate", description = "Check job files; print every error as file:line:column: message.")
  static final class Validate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin VariableOptions variables = new VariableOptions();
    @Parameters(arity = "1..*", paramLabel = "FILE") List<Path> files;

    @Override
    public Integer call() throws Main.CliException {
      PrintWriter err = spec.commandLine().getErr();
      Map<String, String> vars = variables.cliVars();
      Map<String, Object> values = variables.fileVars(err);
      if (values == null) {
        return 1;
      }
      int code = 0;
      for (Path f : files) {
        try {
          Jobspec.parse(f.toString(), Files.readString(f), vars, values);
          spec.commandLine().getOut().println(f + ": Job validation successful");
        } catch (JobspecException e) {
          e.errors().forEach(err::println);
          code = 1;
        } catch (IOException e) {
          err.println(f + ": cannot read: " + e.getMessage());
          code = 1;
        }
      }
      return code;
    }
  }

  @Command(name = "run", description = "Register a job (with -output: print its API JSON only).")
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-output", description = "Print the job's API JSON instead of submitting it.") boolean output;
    @picocli.CommandLine.Mixin VariableOptions variables = new VariableOptions();
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Option(names = "-detach", description = "Submit and return without following the deployment.") boolean detach;
    @Option(names = "-check-index", paramLabel = "N", description = "Register only if the job's"
        + " modify index is N (0: only if the job does not exist), as `job plan` printed it.")
    Long checkIndex;
    @Parameters(arity = "1", paramLabel = "FILE") Path file;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      Map<String, String> vars = variables.cliVars();
      Map<String, Object> values = variables.fileVars(err);
      if (values == null) {
        return 1;
      }
      Job job;
      try {
        job = Jobspec.parse(file.toString(), Files.readString(file), vars, values);
      } catch (JobspecException e) {
        e.errors().stream().map(JobspecError::toString).forEach(err::println);
        return 1;
      } catch (IOException e) {
        throw new Main.CliException(file + ": cannot read: " + e.getMessage());
      }
      if (!output) {
        return JobRunSubmit.submit(address(address), job, checkIndex, detach,
            spec.commandLine().getOut());
      }
      spec.commandLine().getOut().println(JobJson.toApiJson(job));
      return 0;
    }
  }
}
