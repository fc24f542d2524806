package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code caravan alloc logs [-stderr] [-f] [-tail] [-n LINES] ALLOC_ID [TASK]}: a task's stdout
 * (or stderr) through {@code GET /v1/client/fs/logs/:alloc_id}, as {@code nomad alloc logs}. The
 * task may be left out when the allocation has one; servers forward the request to the client
 * that runs the allocation.
 */
@Command(name = "logs", description = "Print a task's stdout or stderr (an allocation ID or a "
    + "unique prefix of one, then the task name unless the allocation has only one task).")
final class AllocLogsCommand implements Callable<Integer> {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Spec CommandSpec spec;
  @Option(names = "-address", paramLabel = "ADDR") String address;
  @Option(names = "-stderr", description = "Print stderr instead of stdout.") boolean stderr;
  @Option(names = "-f", description = "Follow the log until the task ends.") boolean follow;
  @Option(names = "-tail", description = "Print the end of the log (the last -n lines, 10 "
      + "unless given).") boolean tail;
  @Option(names = "-n", paramLabel = "LINES", description = "Lines printed with -tail.")
  int lines = 10;
  @Option(names = "-task", paramLabel = "TASK", description = "The task (instead of the second "
      + "argument).") String taskFlag;
  @Parameters(index = "0", paramLabel = "ALLOC_ID") String allocId;
  @Parameters(index = "1", arity = "0..1", paramLabel = "TASK") String taskArg;

  @Override
  public Integer call() throws Exception {
    if (lines < 0) {
      throw new Main.CliException("-n: must be >= 0, got " + lines);
    }
    String addr = JobCommand.address(address);
    String id = AllocCommand.resolve(addr, allocId);
    String task = task(JobCommand.get(addr, "/v1/allocation/" + id));
    String query = "?task=" + URLEncoder.encode(task, StandardCharsets.UTF_8)
        + "&type=" + (stderr ? "stderr" : "stdout") + "&plain=true"
        + (follow ? "&follow=true" : "");
    PrintWriter out = spec.commandLine().getOut();
    HttpRequest request = HttpRequest.newBuilder(
        URI.create(addr + "/v1/client/fs/logs/" + id + query)).GET().build();
    HttpResponse<InputStream> r;
    try {
      r = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new Main.CliException("cannot reach the agent at " + addr + ": " + e.getMessage());
    }
    try (InputStream body = r.body()) {
      if (r.statusCode() >= 400) {
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        JsonNode error = readJson(text);
        throw new Main.CliException(error == null ? "HTTP " + r.statusCode() + ": " + text.strip()
            : error.path("error").asText(text));
      }
      if (tail && !follow) {
        out.print(lastLines(new String(body.readAllBytes(), StandardCharsets.UTF_8), lines));
        out.flush();
        return 0;
      }
      byte[] buf = new byte[8192];
      for (int n; (n = body.read(buf)) > 0; ) {
        out.print(new String(buf, 0, n, StandardCharsets.UTF_8));
        out.flush();
      }
    }
    return 0;
  }

  /** The task named on the command line, or the allocation's only task. */
  private String task(JsonNode alloc) throws Main.CliException {
    String named = taskFlag != null ? taskFlag : taskArg;
    List<String> tasks = new ArrayList<>();
    for (Iterator<String> it = alloc.path("TaskStates").fieldNames(); it.hasNext(); ) {
      tasks.add(it.next());
    }
    if (named != null) {
      return named;
    }
    if (tasks.size() == 1) {
      return tasks.get(0);
    }
    throw new Main.CliException("Allocation \"" + alloc.path("ID").asText() + "\" is running "
        + "the following tasks:\n  * " + String.join("\n  * ", tasks.stream().sorted().toList())
        + "\nPlease specify the task.");
  }

  /** The last {@code n} lines of {@code text} (a trailing newline does not start a line). */
  static String lastLines(String text, int n) {
    if (n == 0 || text.isEmpty()) {
      return "";
    }
    int end = text.endsWith("\n") ? text.length() - 1 : text.length();
    int start = end;
    for (int seen = 0; start > 0; start--) {
      if (text.charAt(start - 1) == '\n' && ++seen == n) {
        break;
      }
    }
    return text.substring(start);
  }

  private static JsonNode readJson(String text) {
    try {
      return dev.caravan.cluster.structs.NomadJson.mapper().readTree(text);
    } catch (IOException e) {
      return null;
    }
  }
}
