package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** One instance of a task group placed on one client node. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Allocation(
    @JsonProperty("ID") String id,
    @JsonProperty("Namespace") String namespace,
    @JsonProperty("EvalID") String evalId,
    @JsonProperty("Name") String name,
    @JsonProperty("NodeID") String nodeId,
    @JsonProperty("NodeName") String nodeName,
    @JsonProperty("JobID") String jobId,
    @JsonProperty("Job") Job job,
    @JsonProperty("TaskGroup") String taskGroup,
    @JsonProperty("AllocatedResources") AllocatedResources allocatedResources,
    @JsonProperty("DesiredStatus") String desiredStatus,
    @JsonProperty("DesiredDescription") String desiredDescription,
    @JsonProperty("ClientStatus") String clientStatus,
    @JsonProperty("ClientDescription") String clientDescription,
    @JsonProperty("TaskStates") Map<String, TaskState> taskStates,
    @JsonProperty("DeploymentID") String deploymentId,
    @JsonProperty("DeploymentStatus") AllocDeploymentStatus deploymentStatus,
    @JsonProperty("PreviousAllocation") String previousAllocation,
    @JsonProperty("NextAllocation") String nextAllocation,
    @JsonProperty("RescheduleTracker") RescheduleTracker rescheduleTracker,
    @JsonProperty("FollowupEvalID") String followupEvalId,
    @JsonProperty("CreateIndex") long createIndex,
    @JsonProperty("ModifyIndex") long modifyIndex,
    @JsonProperty("AllocModifyIndex") long allocModifyIndex,
    @JsonProperty("CreateTime") long createTime,
    @JsonProperty("ModifyTime") long modifyTime) {

  public Allocation {
    taskStates = Structs.copy(taskStates);
  }

  public static final String DESIRED_RUN = "run";
  public static final String DESIRED_STOP = "stop";
  public static final String DESIRED_EVICT = "evict";
  public static final String CLIENT_PENDING = "pending";
  public static final String CLIENT_RUNNING = "running";
  public static final String CLIENT_COMPLETE = "complete";
  public static final String CLIENT_FAILED = "failed";
  public static final String CLIENT_LOST = "lost";

  /** True when the client is done with it: complete, failed or lost. */
  public boolean isClientTerminal() {
    return CLIENT_COMPLETE.equals(clientStatus) || CLIENT_FAILED.equals(clientStatus)
        || CLIENT_LOST.equals(clientStatus);
  }

  /** True when the servers no longer want it running. */
  public boolean isServerTerminal() {
    return DESIRED_STOP.equals(desiredStatus) || DESIRED_EVICT.equals(desiredStatus);
  }

  /** True when it is terminal by either side. */
  public boolean isTerminal() {
    return isClientTerminal() || isServerTerminal();
  }

  /** The version of the job this allocation runs, or -1 without a job. */
  public long jobVersion() {
    return job == null ? -1 : job.version();
  }

  /** The index in {@code job.group[index]}. */
  public int index() {
    int open = name.lastIndexOf('[');
    return open < 0 ? 0 : Integer.parseInt(name.substring(open + 1, name.length() - 1));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds Allocation values piecemeal; unset components take the defaults shown. */
  public static final class Builder {
    private String id;
    private String namespace = "default";
    private String evalId;
    private String name;
    private String nodeId;
    private String nodeName;
    private String jobId;
    private Job job;
    private String taskGroup;
    private AllocatedResources allocatedResources;
    private String desiredStatus = DESIRED_RUN;
    private String desiredDescription;
    private String clientStatus = CLIENT_PENDING;
    private String clientDescription;
    private Map<String, TaskState> taskStates;
    private String deploymentId;
    private AllocDeploymentStatus deploymentStatus;
    private String previousAllocation;
    private String nextAllocation;
    private RescheduleTracker rescheduleTracker;
    private String followupEvalId;
    private long createIndex;
    private long modifyIndex;
    private long allocModifyIndex;
    private long createTime;
    private long modifyTime;

    private Builder() {}

    private Builder(Allocation r) {
      id = r.id;
      namespace = r.namespace;
      evalId = r.evalId;
      name = r.name;
      nodeId = r.nodeId;
      nodeName = r.nodeName;
      jobId = r.jobId;
      job = r.job;
      taskGroup = r.taskGroup;
      allocatedResources = r.allocatedResources;
      desiredStatus = r.desiredStatus;
      desiredDescription = r.desiredDescription;
      clientStatus = r.clientStatus;
      clientDescription = r.clientDescription;
      taskStates = r.taskStates;
      deploymentId = r.deploymentId;
      deploymentStatus = r.deploymentStatus;
      previousAllocation = r.previousAllocation;
      nextAllocation = r.nextAllocation;
      rescheduleTracker = r.rescheduleTracker;
      followupEvalId = r.followupEvalId;
      createIndex = r.createIndex;
      modifyIndex = r.modifyIndex;
      allocModifyIndex = r.allocModifyIndex;
      createTime = r.createTime;
      modifyTime = r.modifyTime;
    }

    public Builder id(String v) { id = v; return this; }
    public Builder namespace(String v) { namespace = v; return this; }
    public Builder evalId(String v) { evalId = v; return this; }
    public Builder name(String v) { name = v; return this; }
    public Builder nodeId(String v) { nodeId = v; return this; }
    public Builder nodeName(String v) { nodeName = v; return this; }
    public Builder jobId(String v) { jobId = v; return this; }
    public Builder job(Job v) { job = v; return this; }
    public Builder taskGroup(String v) { taskGroup = v; return this; }
    public Builder allocatedResources(AllocatedResources v) { allocatedResources = v; return this; }
    public Builder desiredStatus(String v) { desiredStatus = v; return this; }
    public Builder desiredDescription(String v) { desiredDescription = v; return this; }
    public Builder clientStatus(String v) { clientStatus = v; return this; }
    public Builder clientDescription(String v) { clientDescription = v; return this; }
    public Builder taskStates(Map<String, TaskState> v) { taskStates = v; return this; }
    public Builder deploymentId(String v) { deploymentId = v; return this; }
    public Builder deploymentStatus(AllocDeploymentStatus v) { deploymentStatus = v; return this; }
    public Builder previousAllocation(String v) { previousAllocation = v; return this; }
    public Builder nextAllocation(String v) { nextAllocation = v; return this; }
    public Builder rescheduleTracker(RescheduleTracker v) { rescheduleTracker = v; return this; }
    public Builder followupEvalId(String v) { followupEvalId = v; return this; }
    public Builder createIndex(long v) { createIndex = v; return this; }
    public Builder modifyIndex(long v) { modifyIndex = v; return this; }
    public Builder allocModifyIndex(long v) { allocModifyIndex = v; return this; }
    public Builder createTime(long v) { createTime = v; return this; }
    public Builder modifyTime(long v) { modifyTime = v; return this; }

    public Allocation build() {
      return new Allocation(id, namespace, evalId, name, nodeId, nodeName, jobId, job, taskGroup, allocatedResources, desiredStatus, desiredDescription, clientStatus, clientDescription, taskStates, deploymentId, deploymentStatus, previousAllocation, nextAllocation, rescheduleTracker, followupEvalId, createIndex, modifyIndex, allocModifyIndex, createTime, modifyTime);
    }
  }
}
