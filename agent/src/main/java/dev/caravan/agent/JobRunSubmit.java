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

  /** Registers the job; with {@code checkIndex} only if its modify index still is that. */
  static int submit(String address, Job job, Long checkIndex, boolean detach, PrintWriter out)
      throws Main.CliException {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("Job", job);
    if (checkIndex != null) {
      body.put("EnforceIndex", true);
      body.put("JobModifyIndex", checkIndex);
    }
    JsonNode r = Http.post(address, "/v1/jobs", body);
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
