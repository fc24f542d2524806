package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.structs.NomadJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code caravan source ...}: list, status, sync, history and revert of GitOps sources. */
@Command(name = "source", description = "Interact with GitOps sources.",
    subcommands = {SourceCommand.ListSources.class, SourceCommand.Status.class,
        SourceCommand.Sync.class, SourceCommand.History.class, SourceCommand.Revert.class})
final class SourceCommand {
  private static final ObjectMapper JSON = NomadJson.mapper();

  private SourceCommand() {}

  static JsonNode send(String address, String method, String path, Object body)
      throws Main.CliException {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(address + path))
          .method(method, pub).header("Content-Type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode parsed = JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
      if (r.statusCode() >= 400) {
        throw new Main.CliException(parsed.path("error").asText(r.body()));
      }
      return parsed;
    } catch (IOException e) {
      throw new Main.CliException("cannot reach the agent at " + address + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Main.CliException("interrupted");
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String time(JsonNode nanos) {
    long n = nanos.asLong(0);
    return n == 0 ? "-" : Instant.ofEpochSecond(n / 1_000_000_000L, n % 1_000_000_000L).toString();
  }

  static String shortSha(String sha) {
    return sha == null || sha.isEmpty() || sha.equals("null") ? "-"
        : sha.substring(0, Math.min(8, sha.length()));
  }

  @Command(name = "list", description = "List sources with their synced commit and error.")
  static final class ListSources implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-20s %-9s %-5s %s%n", "Name", "Commit", "Jobs", "Error");
      for (JsonNode s : send(JobCommand.address(address), "GET", "/v1/caravan/sources", null)) {
        out.printf("%-20s %-9s %-5d %s%n", s.path("Name").asText(),
            shortSha(s.path("Commit").asText(null)), s.path("Jobs").size(),
            s.path("Error").isNull() || s.path("Error").isMissingNode() ? "" : s.path("Error").asText());
      }
      return 0;
    }
  }

  @Command(name = "status", description = "Show a source: last sync, error, next poll, jobs.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode s = send(JobCommand.address(address), "GET", "/v1/caravan/sources/" + enc(name), null);
      out.printf("Name         = %s%nURL          = %s%nBranch       = %s%nCommit       = %s%n"
              + "Last attempt = %s%nLast success = %s%nNext poll    = %s%nPrune        = %s%n"
              + "Self heal    = %s%n",
          s.path("Name").asText(), s.path("URL").asText(), s.path("Branch").asText(),
          s.path("Commit").asText("-"), time(s.path("LastAttempt")), time(s.path("LastSuccess")),
          time(s.path("NextPoll")), s.path("Prune").asBoolean(), s.path("SelfHeal").asBoolean());
      if (s.hasNonNull("Error")) {
        out.println("Error        = " + s.path("Error").asText());
      }
      out.println();
      out.printf("%-24s %-10s %-12s %-9s %s%n", "Job", "Status", "Health", "Commit", "Path");
      for (JsonNode j : s.path("Jobs")) {
        out.printf("%-24s %-10s %-12s %-9s %s%n", j.path("JobID").asText("?"),
            j.path("Status").asText(), j.path("Health").asText("-"),
            shortSha(j.path("Commit").asText(null)), j.path("Path").asText());
        for (JsonNode e : j.path("Errors")) {
          out.println("    " + e.asText());
        }
        for (JsonNode d : j.path("Diff")) {
          out.println("    " + d.asText());
        }
      }
      return 0;
    }
  }

  @Command(name = "sync", description = "Sync a source now (fetch, plan, apply).")
  static final class Sync implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Option(names = "-allow-mass-prune",
        description = "Confirm a pass that prunes more than max_prune_fraction of the jobs.")
    boolean allowMassPrune;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() throws Exception {
      send(JobCommand.address(address), "POST", "/v1/caravan/sources/" + enc(name)
          + "/sync?allow_mass_prune=" + allowMassPrune, null);
      spec.commandLine().getOut().println("Sync of source " + name + " requested"
          + (allowMassPrune ? " (mass prune allowed once)" : ""));
      return 0;
    }
  }

  @Command(name = "history", description = "Show a source's recorded sync passes, newest first.")
  static final class History implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode h = send(JobCommand.address(address), "GET",
          "/v1/caravan/sources/" + enc(name) + "/history", null);
      out.printf("%-24s %-9s %-10s %-8s %s%n", "Time", "Commit", "Outcome", "Took", "Jobs");
      for (JsonNode r : h) {
        StringBuilder jobs = new StringBuilder();
        for (JsonNode j : r.path("Jobs")) {
          jobs.append(jobs.isEmpty() ? "" : ", ").append(j.path("Action").asText()).append(' ')
              .append(j.path("JobID").asText()).append(" v").append(j.path("Version").asLong());
        }
        out.printf("%-24s %-9s %-10s %-8s %s%n", time(r.path("StartTime")),
            shortSha(r.path("Commit").asText(null)), r.path("Outcome").asText(),
            r.path("DurationNanos").asLong() / 1_000_000 + "ms", jobs);
        if (r.hasNonNull("Message") && !r.path("Message").asText().isEmpty()) {
          out.println("    " + r.path("Author").asText() + ": " + r.path("Message").asText());
        }
        if (r.hasNonNull("Error")) {
          out.println("    error: " + r.path("Error").asText());
        }
      }
      return 0;
    }
  }

  @Command(name = "revert", description = "Commit a revert of COMMIT and push it to the source.")
  static final class Revert implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "-address", paramLabel = "ADDR") String address;
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Parameters(index = "1", paramLabel = "COMMIT") String commit;

    @Override
    public Integer call() throws Exception {
      JsonNode r = send(JobCommand.address(address), "POST",
          "/v1/caravan/sources/" + enc(name) + "/revert", Map.of("Commit", commit));
      spec.commandLine().getOut().println("Pushed " + shortSha(r.path("Commit").asText())
          + " reverting " + commit + " to source " + name);
      return 0;
    }
  }
}
