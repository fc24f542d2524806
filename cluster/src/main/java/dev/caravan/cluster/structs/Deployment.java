package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** The rollout of one job version under its update block. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Deployment(
    @JsonProperty("ID") String id,
    @JsonProperty("Namespace") String namespace,
    @JsonProperty("JobID") String jobId,
    @JsonProperty("JobVersion") long jobVersion,
    @JsonProperty("JobModifyIndex") long jobModifyIndex,
    @JsonProperty("JobSpecModifyIndex") long jobSpecModifyIndex,
    @JsonProperty("JobCreateIndex") long jobCreateIndex,
    @JsonProperty("TaskGroups") Map<String, DeploymentState> taskGroups,
    @JsonProperty("Status") String status,
    @JsonProperty("StatusDescription") String statusDescription,
    @JsonProperty("CreateIndex") long createIndex,
    @JsonProperty("ModifyIndex") long modifyIndex) {

  public Deployment {
    taskGroups = Structs.copy(taskGroups);
  }

  public static final String STATUS_RUNNING = "running";
  public static final String STATUS_PAUSED = "paused";
  public static final String STATUS_SUCCESSFUL = "successful";
  public static final String STATUS_FAILED = "failed";
  public static final String STATUS_CANCELLED = "cancelled";

  // Nomad's status descriptions, word for word
  public static final String DESCRIPTION_RUNNING = "Deployment is running";
  public static final String DESCRIPTION_NEEDS_PROMOTION =
      "Deployment is running but requires manual promotion";
  public static final String DESCRIPTION_AUTO_PROMOTION =
      "Deployment is running pending automatic promotion";
  public static final String DESCRIPTION_PAUSED = "Deployment is paused";
  public static final String DESCRIPTION_SUCCESSFUL = "Deployment completed successfully";
  public static final String DESCRIPTION_STOPPED_JOB = "Cancelled because job is stopped";
  public static final String DESCRIPTION_NEWER_JOB = "Cancelled due to newer version of job";
  public static final String DESCRIPTION_FAILED_ALLOCATIONS = "Failed due to unhealthy allocations";
  public static final String DESCRIPTION_PROGRESS_DEADLINE = "Failed due to progress deadline";
  public static final String DESCRIPTION_FAILED_BY_USER = "Deployment marked as failed";

  /** True when some group waits for its canaries to be promoted. */
  public boolean requiresPromotion() {
    return taskGroups.values().stream().anyMatch(g -> g.desiredCanaries() > 0 && !g.promoted());
  }

  /** True while the deployment can still change: running or paused. */
  public boolean isActive() {
    return STATUS_RUNNING.equals(status) || STATUS_PAUSED.equals(status);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds Deployment values piecemeal; unset components take the defaults shown. */
  public static final class Builder {
    private String id;
    private String namespace = "default";
    private String jobId;
    private long jobVersion;
    private long jobModifyIndex;
    private long jobSpecModifyIndex;
    private long jobCreateIndex;
    private Map<String, DeploymentState> taskGroups;
    private String status = STATUS_RUNNING;
    private String statusDescription;
    private long createIndex;
    private long modifyIndex;

    private Builder() {}

    private Builder(Deployment r) {
      id = r.id;
      namespace = r.namespace;
      jobId = r.jobId;
      jobVersion = r.jobVersion;
      jobModifyIndex = r.jobModifyIndex;
      jobSpecModifyIndex = r.jobSpecModifyIndex;
      jobCreateIndex = r.jobCreateIndex;
      taskGroups = r.taskGroups;
      status = r.status;
      statusDescription = r.statusDescription;
      createIndex = r.createIndex;
      modifyIndex = r.modifyIndex;
    }

    public Builder id(String v) { id = v; return this; }
    public Builder namespace(String v) { namespace = v; return this; }
    public Builder jobId(String v) { jobId = v; return this; }
    public Builder jobVersion(long v) { jobVersion = v; return this; }
    public Builder jobModifyIndex(long v) { jobModifyIndex = v; return this; }
    public Builder jobSpecModifyIndex(long v) { jobSpecModifyIndex = v; return this; }
    public Builder jobCreateIndex(long v) { jobCreateIndex = v; return this; }
    public Builder taskGroups(Map<String, DeploymentState> v) { taskGroups = v; return this; }
    public Builder status(String v) { status = v; return this; }
    public Builder statusDescription(String v) { statusDescription = v; return this; }
    public Builder createIndex(long v) { createIndex = v; return this; }
    public Builder modifyIndex(long v) { modifyIndex = v; return this; }

    public Deployment build() {
      return new Deployment(id, namespace, jobId, jobVersion, jobModifyIndex, jobSpecModifyIndex, jobCreateIndex, taskGroups, status, statusDescription, createIndex, modifyIndex);
    }
  }
}
