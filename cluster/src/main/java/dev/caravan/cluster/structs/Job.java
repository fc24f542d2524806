package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The desired state of one application: Nomad's job, with Nomad's JSON field names.
 *
 * <p>Jobs are immutable values. {@link #toBuilder()} and {@link #builder()} make changed
 * copies; index fields ({@code CreateIndex}, {@code ModifyIndex}, {@code JobModifyIndex}),
 * {@code Version}, {@code Stable}, {@code Status} and {@code SubmitTime} are stamped by the
 * state machine, never by users.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Job(
    @JsonProperty("ID") String id,
    @JsonProperty("Name") String name,
    @JsonProperty("Namespace") String namespace,
    @JsonProperty("Region") String region,
    @JsonProperty("Type") String type,
    @JsonProperty("Priority") int priority,
    @JsonProperty("AllAtOnce") boolean allAtOnce,
    @JsonProperty("Datacenters") List<String> datacenters,
    @JsonProperty("NodePool") String nodePool,
    @JsonProperty("Constraints") List<Constraint> constraints,
    @JsonProperty("Affinities") List<Affinity> affinities,
    @JsonProperty("Spreads") List<Spread> spreads,
    @JsonProperty("TaskGroups") List<TaskGroup> taskGroups,
    @JsonProperty("Update") UpdateStrategy update,
    @JsonProperty("Periodic") PeriodicConfig periodic,
    @JsonProperty("ParameterizedJob") ParameterizedJobConfig parameterizedJob,
    @JsonProperty("Multiregion") Map<String, Object> multiregion,
    @JsonProperty("Meta") Map<String, String> meta,
    @JsonProperty("ParentID") String parentId,
    @JsonProperty("Dispatched") boolean dispatched,
    @JsonProperty("Payload") String payload,
    @JsonProperty("Stop") boolean stop,
    @JsonProperty("Status") String status,
    @JsonProperty("Stable") boolean stable,
    @JsonProperty("Version") long version,
    @JsonProperty("SubmitTime") long submitTime,
    @JsonProperty("CreateIndex") long createIndex,
    @JsonProperty("ModifyIndex") long modifyIndex,
    @JsonProperty("JobModifyIndex") long jobModifyIndex) {

  public static final String TYPE_SERVICE = "service";
  public static final String TYPE_BATCH = "batch";
  public static final String TYPE_SYSTEM = "system";
  public static final String TYPE_SYSBATCH = "sysbatch";

  public static final String STATUS_PENDING = "pending";
  public static final String STATUS_RUNNING = "running";
  public static final String STATUS_DEAD = "dead";

  public Job {
    datacenters = Structs.copy(datacenters);
    constraints = Structs.copy(constraints);
    affinities = Structs.copy(affinities);
    spreads = Structs.copy(spreads);
    taskGroups = Structs.copy(taskGroups);
    meta = Structs.copy(meta);
    multiregion = multiregion == null ? null : Structs.copy(multiregion);
  }

  /** The group named {@code name}, or null. */
  public TaskGroup group(String name) {
    for (TaskGroup g : taskGroups) {
      if (g.name().equals(name)) {
        return g;
      }
    }
    return null;
  }

  /**
   * This job without what the state machine stamps on registration (indexes, version,
   * stability, status, submit time): two jobs with equal specs are the same desired state.
   */
  public Job spec() {
    return toBuilder().status(null).stable(false).version(0).submitTime(0).createIndex(0)
        .modifyIndex(0).jobModifyIndex(0).build();
  }

  public boolean isPeriodic() {
    return periodic != null;
  }

  public boolean isParameterized() {
    return parameterizedJob != null && !dispatched;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds jobs piecemeal; every setter returns the builder. */
  public static final class Builder {
    private String id;
    private String name;
    private String namespace = "default";
    private String region = "global";
    private String type = TYPE_SERVICE;
    private int priority = 50;
    private boolean allAtOnce;
    private List<String> datacenters = List.of("*");
    private String nodePool = "default";
    private List<Constraint> constraints = List.of();
    private List<Affinity> affinities = List.of();
    private List<Spread> spreads = List.of();
    private List<TaskGroup> taskGroups = List.of();
    private UpdateStrategy update;
    private PeriodicConfig periodic;
    private ParameterizedJobConfig parameterizedJob;
    private Map<String, Object> multiregion;
    private Map<String, String> meta = Map.of();
    private String parentId;
    private boolean dispatched;
    private String payload;
    private boolean stop;
    private String status;
    private boolean stable;
    private long version;
    private long submitTime;
    private long createIndex;
    private long modifyIndex;
    private long jobModifyIndex;

    private Builder() {}

    private Builder(Job j) {
      id = j.id; name = j.name; namespace = j.namespace; region = j.region; type = j.type;
      priority = j.priority; allAtOnce = j.allAtOnce; datacenters = j.datacenters;
      nodePool = j.nodePool; constraints = j.constraints; affinities = j.affinities;
      spreads = j.spreads; taskGroups = j.taskGroups; update = j.update; periodic = j.periodic;
      parameterizedJob = j.parameterizedJob; multiregion = j.multiregion; meta = j.meta;
      parentId = j.parentId; dispatched = j.dispatched; payload = j.payload; stop = j.stop;
      status = j.status; stable = j.stable; version = j.version; submitTime = j.submitTime;
      createIndex = j.createIndex; modifyIndex = j.modifyIndex; jobModifyIndex = j.jobModifyIndex;
    }

    public Builder id(String v) { id = v; return this; }
    public Builder name(String v) { name = v; return this; }
    public Builder namespace(String v) { namespace = v; return this; }
    public Builder region(String v) { region = v; return this; }
    public Builder type(String v) { type = v; return this; }
    public Builder priority(int v) { priority = v; return this; }
    public Builder allAtOnce(boolean v) { allAtOnce = v; return this; }
    public Builder datacenters(List<String> v) { datacenters = v; return this; }
    public Builder nodePool(String v) { nodePool = v; return this; }
    public Builder constraints(List<Constraint> v) { constraints = v; return this; }
    public Builder affinities(List<Affinity> v) { affinities = v; return this; }
    public Builder spreads(List<Spread> v) { spreads = v; return this; }
    public Builder taskGroups(List<TaskGroup> v) { taskGroups = v; return this; }
    public Builder update(UpdateStrategy v) { update = v; return this; }
    public Builder periodic(PeriodicConfig v) { periodic = v; return this; }
    public Builder parameterizedJob(ParameterizedJobConfig v) { parameterizedJob = v; return this; }
    public Builder multiregion(Map<String, Object> v) { multiregion = v; return this; }
    public Builder meta(Map<String, String> v) { meta = v; return this; }
    public Builder parentId(String v) { parentId = v; return this; }
    public Builder dispatched(boolean v) { dispatched = v; return this; }
    public Builder payload(String v) { payload = v; return this; }
    public Builder stop(boolean v) { stop = v; return this; }
    public Builder status(String v) { status = v; return this; }
    public Builder stable(boolean v) { stable = v; return this; }
    public Builder version(long v) { version = v; return this; }
    public Builder submitTime(long v) { submitTime = v; return this; }
    public Builder createIndex(long v) { createIndex = v; return this; }
    public Builder modifyIndex(long v) { modifyIndex = v; return this; }
    public Builder jobModifyIndex(long v) { jobModifyIndex = v; return this; }

    public Job build() {
      return new Job(id, name == null ? id : name, namespace, region, type, priority, allAtOnce,
          datacenters, nodePool, constraints, affinities, spreads, taskGroups, update, periodic,
          parameterizedJob, multiregion, meta, parentId, dispatched, payload, stop, status, stable,
          version, submitTime, createIndex, modifyIndex, jobModifyIndex);
    }
  }
}
