package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * One GitOps sync pass of a source that changed something or failed, as kept in the
 * replicated state (the last {@code KEPT} per source): the commit it synced (sha, author,
 * message, commit time), the jobs it created, updated or deleted with the job versions that
 * produced, its outcome, error, start time (Unix nanos, stamped by the leader) and duration.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SourceSyncRecord(
    @JsonProperty("Source") String source,
    @JsonProperty("Commit") String commit,
    @JsonProperty("Author") String author,
    @JsonProperty("Message") String message,
    @JsonProperty("CommitTime") long commitTime,
    @JsonProperty("Jobs") List<JobChange> jobs,
    @JsonProperty("Outcome") String outcome,
    @JsonProperty("Error") String error,
    @JsonProperty("StartTime") long startTime,
    @JsonProperty("DurationNanos") long durationNanos,
    @JsonProperty("Index") long index) {

  public static final String OUTCOME_SUCCEEDED = "Succeeded";
  public static final String OUTCOME_FAILED = "Failed";
  /** Records kept per source; older ones are dropped. */
  public static final int KEPT = 100;

  public SourceSyncRecord {
    Objects.requireNonNull(source, "source");
    jobs = jobs == null ? List.of() : List.copyOf(jobs);
  }

  public SourceSyncRecord withIndex(long index) {
    return new SourceSyncRecord(source, commit, author, message, commitTime, jobs, outcome, error,
        startTime, durationNanos, index);
  }

  /** One job a pass changed: Create, Update or Delete, and the job version it produced. */
  public record JobChange(
      @JsonProperty("JobID") String jobId,
      @JsonProperty("Namespace") String namespace,
      @JsonProperty("Path") String path,
      @JsonProperty("Action") String action,
      @JsonProperty("Version") long version) {}
}
