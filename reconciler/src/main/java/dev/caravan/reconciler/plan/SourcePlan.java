package dev.caravan.reconciler.plan;

import java.util.List;

/**
 * The plan of one commit of a source against the live cluster, sorted by path: nothing is
 * changed by computing it. {@link #exitCode()} is {@code nomad job plan}'s: 0 no changes,
 * 1 changes, 255 errors.
 */
public record SourcePlan(String source, String ref, String commit, List<JobPlan> jobs,
    String error) {

  public SourcePlan {
    jobs = List.copyOf(jobs);
  }

  public boolean hasChanges() {
    return jobs.stream().anyMatch(JobPlan::changes);
  }

  public boolean hasErrors() {
    return error != null || jobs.stream().anyMatch(j -> j.action().equals("Error"));
  }

  public int exitCode() {
    return hasErrors() ? 255 : hasChanges() ? 1 : 0;
  }
}
