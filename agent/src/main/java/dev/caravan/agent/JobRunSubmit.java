package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.cluster.structs.Job;
import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code caravan job run FILE} without {@code -output}: registers the job with the agent, then
 * (unless detached) follows its deployment live; the exit code is the deployment's (0
 * successful, 2 failed), or 0 when the version needs no rollout.
 */
final class JobRunSubmit {
  private JobRunSubmit() {}

  static int submit(String address, Job job, boolean detach, PrintWriter out)
      throws Main.CliException {
    JsonNode r = Http.post(address, "/v1/jobs", Map.of("Job", job));
    out.println("==> Job " + job.id() + " registered (evaluation " + r.path("EvalID").asText()
        + ", job modify index " + r.path("JobModifyIndex").asLong() + ")");
    out.flush();
    if (detach || (job.type() != null && !Job.TYPE_SERVICE.equals(job.type()))) {
      return 0; // only service jobs roll out under deployments
    }
    return new DeploymentMonitor(address, out, System.console() != null)
        .followJob(job.id(), r.path("JobModifyIndex").asLong());
  }
}
