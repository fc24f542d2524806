package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A request to the scheduler to reconcile one job. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Evaluation(
    @JsonProperty("ID") String id,
    @JsonProperty("Namespace") String namespace,
    @JsonProperty("Priority") int priority,
    @JsonProperty("Type") String type,
    @JsonProperty("TriggeredBy") String triggeredBy,
    @JsonProperty("JobID") String jobId,
    @JsonProperty("JobModifyIndex") long jobModifyIndex,
    @JsonProperty("NodeID") String nodeId,
    @JsonProperty("DeploymentID") String deploymentId,
    @JsonProperty("Status") String status,
    @JsonProperty("StatusDescription") String statusDescription,
    @JsonProperty("FailedTGAllocs") Map<String, AllocMetric> failedTgAllocs,
    @JsonProperty("BlockedEval") String blockedEval,
    @JsonProperty("PreviousEval") String previousEval,
    @JsonProperty("QueuedAllocations") Map<String, Integer> queuedAllocations,
    @JsonProperty("WaitUntil") long waitUntil,
    @JsonProperty("CreateIndex") long createIndex,
    @JsonProperty("ModifyIndex") long modifyIndex,
    @JsonProperty("CreateTime") long createTime,
    @JsonProperty("ModifyTime") long modifyTime) {

  public Evaluation {
    failedTgAllocs = Structs.copy(failedTgAllocs);
    queuedAllocations = Structs.copy(queuedAllocations);
  }

  public static final String STATUS_PENDING = "pending";
  public static final String STATUS_COMPLETE = "complete";
  public static final String STATUS_FAILED = "failed";
  public static final String STATUS_BLOCKED = "blocked";
  public static final String STATUS_CANCELED = "canceled";

  public static final String TRIGGER_JOB_REGISTER = "job-register";
  public static final String TRIGGER_JOB_DEREGISTER = "job-deregister";
  public static final String TRIGGER_NODE_UPDATE = "node-update";
  public static final String TRIGGER_ALLOC_FAILURE = "alloc-failure";
  public static final String TRIGGER_PERIODIC_JOB = "periodic-job";
  public static final String TRIGGER_DEPLOYMENT_WATCHER = "deployment-watcher";
  public static final String TRIGGER_QUEUED_ALLOCS = "queued-allocs";

  public boolean isTerminal() {
    return STATUS_COMPLETE.equals(status) || STATUS_FAILED.equals(status)
        || STATUS_CANCELED.equals(status);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds Evaluation values piecemeal; unset components take the defaults shown. */
  public static final class Builder {
    private String id;
    private String namespace = "default";
    private int priority = 50;
    private String type;
    private String triggeredBy;
    private String jobId;
    private long jobModifyIndex;
    private String nodeId;
    private String deploymentId;
    private String status = STATUS_PENDING;
    private String statusDescription;
    private Map<String, AllocMetric> failedTgAllocs;
    private String blockedEval;
    private String previousEval;
    private Map<String, Integer> queuedAllocations;
    private long waitUntil;
    private long createIndex;
    private long modifyIndex;
    private long createTime;
    private long modifyTime;

    private Builder() {}

    private Builder(Evaluation r) {
      id = r.id;
      namespace = r.namespace;
      priority = r.priority;
      type = r.type;
      triggeredBy = r.triggeredBy;
      jobId = r.jobId;
      jobModifyIndex = r.jobModifyIndex;
      nodeId = r.nodeId;
      deploymentId = r.deploymentId;
      status = r.status;
      statusDescription = r.statusDescription;
      failedTgAllocs = r.failedTgAllocs;
      blockedEval = r.blockedEval;
      previousEval = r.previousEval;
      queuedAllocations = r.queuedAllocations;
      waitUntil = r.waitUntil;
      createIndex = r.createIndex;
      modifyIndex = r.modifyIndex;
      createTime = r.createTime;
      modifyTime = r.modifyTime;
    }

    public Builder id(String v) { id = v; return this; }
    public Builder namespace(String v) { namespace = v; return this; }
    public Builder priority(int v) { priority = v; return this; }
    public Builder type(String v) { type = v; return this; }
    public Builder triggeredBy(String v) { triggeredBy = v; return this; }
    public Builder jobId(String v) { jobId = v; return this; }
    public Builder jobModifyIndex(long v) { jobModifyIndex = v; return this; }
    public Builder nodeId(String v) { nodeId = v; return this; }
    public Builder deploymentId(String v) { deploymentId = v; return this; }
    public Builder status(String v) { status = v; return this; }
    public Builder statusDescription(String v) { statusDescription = v; return this; }
    public Builder failedTgAllocs(Map<String, AllocMetric> v) { failedTgAllocs = v; return this; }
    public Builder blockedEval(String v) { blockedEval = v; return this; }
    public Builder previousEval(String v) { previousEval = v; return this; }
    public Builder queuedAllocations(Map<String, Integer> v) { queuedAllocations = v; return this; }
    public Builder waitUntil(long v) { waitUntil = v; return this; }
    public Builder createIndex(long v) { createIndex = v; return this; }
    public Builder modifyIndex(long v) { modifyIndex = v; return this; }
    public Builder createTime(long v) { createTime = v; return this; }
    public Builder modifyTime(long v) { modifyTime = v; return this; }

    public Evaluation build() {
      return new Evaluation(id, namespace, priority, type, triggeredBy, jobId, jobModifyIndex, nodeId, deploymentId, status, statusDescription, failedTgAllocs, blockedEval, previousEval, queuedAllocations, waitUntil, createIndex, modifyIndex, createTime, modifyTime);
    }
  }
}
