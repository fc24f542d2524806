package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One unit of work run by a driver on a client. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Task(
    @JsonProperty("Name") String name,
    @JsonProperty("Driver") String driver,
    @JsonProperty("User") String user,
    @JsonProperty("Config") Map<String, Object> config,
    @JsonProperty("Env") Map<String, String> env,
    @JsonProperty("Services") List<Service> services,
    @JsonProperty("Constraints") List<Constraint> constraints,
    @JsonProperty("Affinities") List<Affinity> affinities,
    @JsonProperty("Resources") Resources resources,
    @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
    @JsonProperty("DispatchPayload") DispatchPayload dispatchPayload,
    @JsonProperty("Lifecycle") TaskLifecycle lifecycle,
    @JsonProperty("Meta") Map<String, String> meta,
    @JsonProperty("KillTimeout") Duration killTimeout,
    @JsonProperty("KillSignal") String killSignal,
    @JsonProperty("LogConfig") LogConfig logConfig,
    @JsonProperty("Artifacts") List<TaskArtifact> artifacts,
    @JsonProperty("Templates") List<Template> templates,
    @JsonProperty("Leader") boolean leader,
    @JsonProperty("ShutdownDelay") Duration shutdownDelay,
    @JsonProperty("VolumeMounts") List<VolumeMount> volumeMounts) {

  public Task {
    config = Structs.copy(config);
    env = Structs.copy(env);
    services = Structs.copy(services);
    constraints = Structs.copy(constraints);
    affinities = Structs.copy(affinities);
    meta = Structs.copy(meta);
    artifacts = Structs.copy(artifacts);
    templates = Structs.copy(templates);
    volumeMounts = Structs.copy(volumeMounts);
  }

  /** The components before {@code VolumeMounts}, kept for callers written against them. */
  public Task(String name, String driver, String user, Map<String, Object> config,
      Map<String, String> env, List<Service> services, List<Constraint> constraints,
      List<Affinity> affinities, Resources resources, RestartPolicy restartPolicy,
      DispatchPayload dispatchPayload, TaskLifecycle lifecycle, Map<String, String> meta,
      Duration killTimeout, String killSignal, LogConfig logConfig, List<TaskArtifact> artifacts,
      List<Template> templates, boolean leader, Duration shutdownDelay) {
    this(name, driver, user, config, env, services, constraints, affinities, resources,
        restartPolicy, dispatchPayload, lifecycle, meta, killTimeout, killSignal, logConfig,
        artifacts, templates, leader, shutdownDelay, List.of());
  }


  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds Task values piecemeal; unset components take the defaults shown. */
  public static final class Builder {
    private String name;
    private String driver;
    private String user;
    private Map<String, Object> config;
    private Map<String, String> env;
    private List<Service> services;
    private List<Constraint> constraints;
    private List<Affinity> affinities;
    private Resources resources = Resources.defaults();
    private RestartPolicy restartPolicy;
    private DispatchPayload dispatchPayload;
    private TaskLifecycle lifecycle;
    private Map<String, String> meta;
    private Duration killTimeout = Duration.ofSeconds(5);
    private String killSignal;
    private LogConfig logConfig = LogConfig.defaults();
    private List<TaskArtifact> artifacts;
    private List<Template> templates;
    private boolean leader;
    private Duration shutdownDelay;
    private List<VolumeMount> volumeMounts;

    private Builder() {}

    private Builder(Task r) {
      name = r.name;
      driver = r.driver;
      user = r.user;
      config = r.config;
      env = r.env;
      services = r.services;
      constraints = r.constraints;
      affinities = r.affinities;
      resources = r.resources;
      restartPolicy = r.restartPolicy;
      dispatchPayload = r.dispatchPayload;
      lifecycle = r.lifecycle;
      meta = r.meta;
      killTimeout = r.killTimeout;
      killSignal = r.killSignal;
      logConfig = r.logConfig;
      artifacts = r.artifacts;
      templates = r.templates;
      leader = r.leader;
      shutdownDelay = r.shutdownDelay;
      volumeMounts = r.volumeMounts;
    }

    public Builder name(String v) { name = v; return this; }
    public Builder driver(String v) { driver = v; return this; }
    public Builder user(String v) { user = v; return this; }
    public Builder config(Map<String, Object> v) { config = v; return this; }
    public Builder env(Map<String, String> v) { env = v; return this; }
    public Builder services(List<Service> v) { services = v; return this; }
    public Builder constraints(List<Constraint> v) { constraints = v; return this; }
    public Builder affinities(List<Affinity> v) { affinities = v; return this; }
    public Builder resources(Resources v) { resources = v; return this; }
    public Builder restartPolicy(RestartPolicy v) { restartPolicy = v; return this; }
    public Builder dispatchPayload(DispatchPayload v) { dispatchPayload = v; return this; }
    public Builder lifecycle(TaskLifecycle v) { lifecycle = v; return this; }
    public Builder meta(Map<String, String> v) { meta = v; return this; }
    public Builder killTimeout(Duration v) { killTimeout = v; return this; }
    public Builder killSignal(String v) { killSignal = v; return this; }
    public Builder logConfig(LogConfig v) { logConfig = v; return this; }
    public Builder artifacts(List<TaskArtifact> v) { artifacts = v; return this; }
    public Builder templates(List<Template> v) { templates = v; return this; }
    public Builder leader(boolean v) { leader = v; return this; }
    public Builder shutdownDelay(Duration v) { shutdownDelay = v; return this; }
    public Builder volumeMounts(List<VolumeMount> v) { volumeMounts = v; return this; }

    public Task build() {
      return new Task(name, driver, user, config, env, services, constraints, affinities, resources, restartPolicy, dispatchPayload, lifecycle, meta, killTimeout, killSignal, logConfig, artifacts, templates, leader, shutdownDelay, volumeMounts);
    }
  }
}
