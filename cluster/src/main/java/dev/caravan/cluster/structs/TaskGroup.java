package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A task group: tasks placed together on one client, {@code Count} instances. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskGroup(
    @JsonProperty("Name") String name,
    @JsonProperty("Count") int count,
    @JsonProperty("Constraints") List<Constraint> constraints,
    @JsonProperty("Affinities") List<Affinity> affinities,
    @JsonProperty("Spreads") List<Spread> spreads,
    @JsonProperty("Tasks") List<Task> tasks,
    @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
    @JsonProperty("ReschedulePolicy") ReschedulePolicy reschedulePolicy,
    @JsonProperty("EphemeralDisk") EphemeralDisk ephemeralDisk,
    @JsonProperty("Update") UpdateStrategy update,
    @JsonProperty("Networks") List<NetworkResource> networks,
    @JsonProperty("Services") List<Service> services,
    @JsonProperty("Volumes") Map<String, VolumeRequest> volumes,
    @JsonProperty("Meta") Map<String, String> meta,
    @JsonProperty("ShutdownDelay") Duration shutdownDelay,
    @JsonProperty("MaxClientDisconnect") Duration maxClientDisconnect,
    @JsonProperty("Migrate") MigrateStrategy migrate) {

  public TaskGroup {
    constraints = Structs.copy(constraints);
    affinities = Structs.copy(affinities);
    spreads = Structs.copy(spreads);
    tasks = Structs.copy(tasks);
    networks = Structs.copy(networks);
    services = Structs.copy(services);
    volumes = Structs.copy(volumes);
    meta = Structs.copy(meta);
  }

  /** The components before {@code Migrate}, kept for callers written against them. */
  public TaskGroup(String name, int count, List<Constraint> constraints, List<Affinity> affinities,
      List<Spread> spreads, List<Task> tasks, RestartPolicy restartPolicy,
      ReschedulePolicy reschedulePolicy, EphemeralDisk ephemeralDisk, UpdateStrategy update,
      List<NetworkResource> networks, List<Service> services, Map<String, VolumeRequest> volumes,
      Map<String, String> meta, Duration shutdownDelay, Duration maxClientDisconnect) {
    this(name, count, constraints, affinities, spreads, tasks, restartPolicy, reschedulePolicy,
        ephemeralDisk, update, networks, services, volumes, meta, shutdownDelay,
        maxClientDisconnect, null);
  }

  /** The task named {@code name}, or null. */
  public Task task(String name) {
    for (Task t : tasks) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds TaskGroup values piecemeal; unset components take the defaults shown. */
  public static final class Builder {
    private String name;
    private int count = 1;
    private List<Constraint> constraints;
    private List<Affinity> affinities;
    private List<Spread> spreads;
    private List<Task> tasks;
    private RestartPolicy restartPolicy;
    private ReschedulePolicy reschedulePolicy;
    private EphemeralDisk ephemeralDisk;
    private UpdateStrategy update;
    private List<NetworkResource> networks;
    private List<Service> services;
    private Map<String, VolumeRequest> volumes;
    private Map<String, String> meta;
    private Duration shutdownDelay;
    private Duration maxClientDisconnect;
    private MigrateStrategy migrate;

    private Builder() {}

    private Builder(TaskGroup r) {
      name = r.name;
      count = r.count;
      constraints = r.constraints;
      affinities = r.affinities;
      spreads = r.spreads;
      tasks = r.tasks;
      restartPolicy = r.restartPolicy;
      reschedulePolicy = r.reschedulePolicy;
      ephemeralDisk = r.ephemeralDisk;
      update = r.update;
      networks = r.networks;
      services = r.services;
      volumes = r.volumes;
      meta = r.meta;
      shutdownDelay = r.shutdownDelay;
      maxClientDisconnect = r.maxClientDisconnect;
      migrate = r.migrate;
    }

    public Builder name(String v) { name = v; return this; }
    public Builder count(int v) { count = v; return this; }
    public Builder constraints(List<Constraint> v) { constraints = v; return this; }
    public Builder affinities(List<Affinity> v) { affinities = v; return this; }
    public Builder spreads(List<Spread> v) { spreads = v; return this; }
    public Builder tasks(List<Task> v) { tasks = v; return this; }
    public Builder restartPolicy(RestartPolicy v) { restartPolicy = v; return this; }
    public Builder reschedulePolicy(ReschedulePolicy v) { reschedulePolicy = v; return this; }
    public Builder ephemeralDisk(EphemeralDisk v) { ephemeralDisk = v; return this; }
    public Builder update(UpdateStrategy v) { update = v; return this; }
    public Builder networks(List<NetworkResource> v) { networks = v; return this; }
    public Builder services(List<Service> v) { services = v; return this; }
    public Builder volumes(Map<String, VolumeRequest> v) { volumes = v; return this; }
    public Builder meta(Map<String, String> v) { meta = v; return this; }
    public Builder shutdownDelay(Duration v) { shutdownDelay = v; return this; }
    public Builder maxClientDisconnect(Duration v) { maxClientDisconnect = v; return this; }
    public Builder migrate(MigrateStrategy v) { migrate = v; return this; }

    public TaskGroup build() {
      return new TaskGroup(name, count, constraints, affinities, spreads, tasks, restartPolicy, reschedulePolicy, ephemeralDisk, update, networks, services, volumes, meta, shutdownDelay, maxClientDisconnect, migrate);
    }
  }
}
