package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Follows one deployment through blocking queries and shows it as it moves: per group placed /
 * desired, healthy, unhealthy, canaries and whether promotion is needed. On a terminal the
 * table is redrawn in place; otherwise each change is printed as plain lines. Ends with the
 * final state; {@link #follow} returns the exit code: 0 successful, 2 failed or cancelled.
 */
final class DeploymentMonitor {
  private final String address;
  private final PrintWriter out;
  private final boolean terminal;
  private int drawnLines;

  DeploymentMonitor(String address, PrintWriter out, boolean terminal) {
    this.address = address;
    this.out = out;
    this.terminal = terminal;
  }

  /** Follows the deployment with this id until it ends; returns the exit code. */
  int follow(String deploymentId) throws Main.CliException {
    long index = 0;
    String last = null;
    while (true) {
      JsonNode d = Http.get(address, "/v1/deployment/" + deploymentId + "?index=" + index
          + "&wait=5s");
      index = Math.max(index, d.path("ModifyIndex").asLong());
      List<String> lines = render(d);
      String text = String.join("\n", lines);
      if (!text.equals(last)) {
        draw(lines);
        last = text;
      }
      String status = d.path("Status").asText();
      if (!"running".equals(status) && !"paused".equals(status)) {
        out.println();
        out.println("==> Deployment " + shortId(d.path("ID").asText()) + " " + status + ": "
            + d.path("StatusDescription").asText());
        out.flush();
        return "successful".equals(status) ? 0 : 2;
      }
    }
  }

  /** Follows the newest deployment of a job version once the scheduler has created it. */
  int followJob(String jobId, long jobModifyIndex) throws Main.CliException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode d = Http.get(address, "/v1/job/" + DispatchCommand.pathSegment(jobId) + "/deployment");
      if (d != null && !d.isNull() && d.path("JobModifyIndex").asLong() >= jobModifyIndex) {
        out.println("==> Monitoring deployment " + shortId(d.path("ID").asText()));
        return follow(d.path("ID").asText());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Main.CliException("interrupted");
      }
    }
    out.println("==> No deployment for this version (nothing to roll out)");
    return 0;
  }

  static List<String> render(JsonNode d) {
    List<String> lines = new ArrayList<>();
    lines.add("Deployment " + shortId(d.path("ID").asText()) + " (job " + d.path("JobID").asText()
        + " version " + d.path("JobVersion").asLong() + "): " + d.path("Status").asText()
        + " - " + d.path("StatusDescription").asText());
    lines.add(String.format("%-12s %-9s %-8s %-8s %-9s %-9s %s", "Task Group", "Placed",
        "Healthy", "Unhealthy", "Canaries", "Promoted", "Progress Deadline"));
    Iterator<Map.Entry<String, JsonNode>> it = d.path("TaskGroups").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode g = e.getValue();
      int desiredCanaries = g.path("DesiredCanaries").asInt();
      String canaries = desiredCanaries == 0 ? "-"
          : g.path("PlacedCanaries").size() + "/" + desiredCanaries;
      String promoted = desiredCanaries == 0 ? "-"
          : g.path("Promoted").asBoolean() ? "yes" : "needed";
      lines.add(String.format("%-12s %-9s %-8d %-8d %-9s %-9s %s", e.getKey(),
          g.path("PlacedAllocs").asInt() + "/" + g.path("DesiredTotal").asInt(),
          g.path("HealthyAllocs").asInt(), g.path("UnhealthyAllocs").asInt(), canaries,
          promoted, g.path("RequireProgressBy").asLong() == 0 ? "-"
              : java.time.Instant.ofEpochSecond(0, g.path("RequireProgressBy").asLong())
                  .toString()));
    }
    return lines;
  }

  private void draw(List<String> lines) {
    if (terminal && drawnLines > 0) {
      out.print("\033[" + drawnLines + "A\033[J"); // cursor up, clear to the end of screen
    } else if (!terminal && drawnLines > 0) {
      out.println();
    }
    lines.forEach(out::println);
    drawnLines = lines.size();
    out.flush();
  }

  static String shortId(String id) {
    return id.length() > 8 ? id.substring(0, 8) : id;
  }
}
