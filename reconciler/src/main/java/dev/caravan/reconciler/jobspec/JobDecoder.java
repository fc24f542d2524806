package dev.caravan.reconciler.jobspec;

import dev.caravan.cluster.structs.Affinity;
import dev.caravan.cluster.structs.CheckRestart;
import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.DispatchPayload;
import dev.caravan.cluster.structs.EphemeralDisk;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.LogConfig;
import dev.caravan.cluster.structs.MigrateStrategy;
import dev.caravan.cluster.structs.NetworkResource;
import dev.caravan.cluster.structs.ParameterizedJobConfig;
import dev.caravan.cluster.structs.PeriodicConfig;
import dev.caravan.cluster.structs.Port;
import dev.caravan.cluster.structs.ReschedulePolicy;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.RestartPolicy;
import dev.caravan.cluster.structs.Service;
import dev.caravan.cluster.structs.ServiceCheck;
import dev.caravan.cluster.structs.Spread;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskArtifact;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.TaskLifecycle;
import dev.caravan.cluster.structs.Template;
import dev.caravan.cluster.structs.UpdateStrategy;
import dev.caravan.cluster.structs.VolumeMount;
import dev.caravan.cluster.structs.VolumeRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict decoding of HCL4j's map tree into the job records. Unknown keys are errors with a
 * did-you-mean hint; Nomad features Caravan does not implement are errors that name the
 * feature ({@link Unsupported}); values of the wrong kind are errors. Partial blocks merge
 * over Nomad's defaults the way Nomad merges them (restart over the job type's default, a
 * task's restart over its group's, a group's update over the job's), so the decoder fills
 * what only it can know: which fields the file set.
 */
final class JobDecoder extends TreeReader {

  private static final Set<String> JOB_KEYS = Set.of("type", "region", "datacenters",
      "namespace", "priority", "meta", "group", "all_at_once", "node_pool", "update", "constraint",
      "periodic", "parameterized", "affinity", "spread", "reschedule", "task", "name", "migrate");
  private static final Set<String> GROUP_KEYS = Set.of("count", "meta", "task", "update",
      "constraint", "network", "service", "affinity", "spread", "restart", "reschedule",
      "ephemeral_disk", "shutdown_delay", "max_client_disconnect", "volume", "migrate");
  private static final Set<String> TASK_KEYS = Set.of("driver", "config", "env", "meta",
      "resources", "kill_timeout", "kill_signal", "user", "leader", "constraint", "service",
      "affinity", "artifact", "template", "lifecycle", "dispatch_payload", "logs", "restart",
      "shutdown_delay", "volume_mount");
  private static final Set<String> RESOURCES_KEYS = Set.of("cpu", "memory", "memory_max", "cores",
      "disk");
  private static final Set<String> UPDATE_KEYS = Set.of("max_parallel", "health_check",
      "min_healthy_time", "healthy_deadline", "progress_deadline", "auto_revert", "auto_promote",
      "canary", "stagger", "revert_skips_canary");
  private static final Set<String> MIGRATE_KEYS = Set.of("max_parallel", "health_check",
      "min_healthy_time", "healthy_deadline");
  private static final Set<String> CONSTRAINT_KEYS = Set.of("attribute", "operator", "value",
      "distinct_hosts", "distinct_property", "regexp", "set_contains", "set_contains_any",
      "set_contains_all", "version", "semver");
  private static final Set<String> AFFINITY_KEYS = Set.of("attribute", "operator", "value",
      "weight", "regexp", "set_contains", "set_contains_any", "set_contains_all", "version",
      "semver");
  private static final Set<String> SPREAD_KEYS = Set.of("attribute", "weight", "target");
  private static final Set<String> TARGET_KEYS = Set.of("value", "percent");
  private static final Set<String> PERIODIC_KEYS = Set.of("cron", "crons", "prohibit_overlap",
      "time_zone", "enabled");
  private static final Set<String> PARAMETERIZED_KEYS = Set.of("payload", "meta_required",
      "meta_optional");
  private static final Set<String> NETWORK_KEYS = Set.of("mode", "mbits", "port", "hostname");
  private static final Set<String> PORT_KEYS = Set.of("static", "to", "host_network");
  private static final Set<String> SERVICE_KEYS = Set.of("name", "port", "tags", "provider",
      "check", "meta", "canary_meta", "canary_tags", "enable_tag_override", "address_mode",
      "address", "on_update", "tagged_addresses", "task", "check_restart");
  private static final Set<String> CHECK_KEYS = Set.of("name", "type", "path", "protocol",
      "port", "command", "args", "interval", "timeout", "method", "header", "body",
      "initial_status", "tls_skip_verify", "grpc_service", "grpc_use_tls", "address_mode", "task",
      "on_update", "success_before_passing", "failures_before_critical", "failures_before_warning",
      "check_restart");
  private static final Set<String> CHECK_RESTART_KEYS = Set.of("limit", "grace", "ignore_warnings");
  private static final Set<String> RESTART_KEYS = Set.of("attempts", "interval", "delay", "mode",
      "render_templates");
  private static final Set<String> RESCHEDULE_KEYS = Set.of("attempts", "interval", "delay",
      "delay_function", "max_delay", "unlimited");
  private static final Set<String> DISK_KEYS = Set.of("sticky", "size", "migrate");
  private static final Set<String> VOLUME_KEYS = Set.of("type", "source", "read_only",
      "access_mode", "attachment_mode", "per_alloc", "sticky");
  private static final Set<String> VOLUME_MOUNT_KEYS = Set.of("volume", "destination",
      "read_only", "propagation_mode");
  private static final Set<String> ARTIFACT_KEYS = Set.of("source", "destination", "mode",
      "options", "headers");
  private static final Set<String> TEMPLATE_KEYS = Set.of("source", "destination", "data",
      "change_mode", "change_signal", "splay", "perms", "left_delimiter", "right_delimiter", "env");
  private static final Set<String> LIFECYCLE_KEYS = Set.of("hook", "sidecar");
  private static final Set<String> LOGS_KEYS = Set.of("max_files", "max_file_size", "disabled",
      "enabled");
  private static final Set<String> PAYLOAD_KEYS = Set.of("file");

  private final String jobType;
  /**
   * Explicit values that defaults would hide (cpu = 0 reads like an unset cpu once decoded):
   * reported with the validation errors, where Nomad reports them.
   */
  private final List<JobspecError> validationErrors = new ArrayList<>();

  List<JobspecError> validationErrors() {
    return validationErrors;
  }

  JobDecoder(String file, Map<String, HclScanner.Pos> positions, HclScanner.Pos jobPos,
      Map<String, String> vars, Map<String, String> locals, String jobType) {
    super(file, positions, jobPos, vars, locals);
    this.jobType = jobType;
  }

  Job decode(Map<String, Object> root, String name) {
    Map<String, Object> body = labeled(root.get("job"), "job").getOrDefault(name, Map.of());
    String path = "job." + name;
    checkKeys(body, JOB_KEYS, Unsupported.JOB, path, "job");
    Job.Builder b = Job.builder().id(name).name(str(body, "name", path, name));
    String type = str(body, "type", path, Job.TYPE_SERVICE);
    b.type(type);
    b.region(str(body, "region", path, "global"));
    b.namespace(str(body, "namespace", path, "default"));
    b.nodePool(str(body, "node_pool", path, "default"));
    b.priority(integer(body, "priority", path, 50));
    b.allAtOnce(bool(body, "all_at_once", path, false));
    if (body.containsKey("datacenters")) {
      b.datacenters(strings(body.get("datacenters"), path + ".datacenters"));
    }
    b.meta(stringMap(body, "meta", path));
    UpdateStrategy update = body.containsKey("update")
        ? update(body.get("update"), path + ".update", UpdateStrategy.defaults()) : null;
    b.update(update);
    b.constraints(constraints(body, path));
    b.affinities(affinities(body, path));
    b.spreads(spreads(body, path));
    if (body.containsKey("periodic")) {
      b.periodic(periodic(body.get("periodic"), path + ".periodic"));
    }
    if (body.containsKey("parameterized")) {
      b.parameterizedJob(parameterized(body.get("parameterized"), path + ".parameterized"));
    }
    ReschedulePolicy reschedule = defaultReschedule(type);
    if (body.containsKey("reschedule")) {
      reschedule = reschedule(body.get("reschedule"), path + ".reschedule", reschedule);
    }
    MigrateStrategy migrate = Job.TYPE_SERVICE.equals(type) ? MigrateStrategy.defaults() : null;
    if (body.containsKey("migrate")) {
      migrate = migrate(body.get("migrate"), path + ".migrate",
          migrate == null ? MigrateStrategy.defaults() : migrate);
    }
    Defaults inherited = new Defaults(type, update, reschedule, body.containsKey("reschedule"),
        migrate, body.containsKey("migrate"));
    List<TaskGroup> groups = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> g : labeled(body.get("group"), path + ".group").entrySet()) {
      groups.add(group(g.getKey(), g.getValue(), path + ".group." + g.getKey(), inherited));
    }
    // HCL1's shorthand, still accepted by Nomad: a task outside any group is a group of its own.
    for (Map.Entry<String, Map<String, Object>> t : labeled(body.get("task"), path + ".task").entrySet()) {
      RestartPolicy restart = defaultRestart(type);
      Task task = task(t.getKey(), t.getValue(), path + ".task." + t.getKey(), restart);
      groups.add(TaskGroup.builder().name(t.getKey()).count(1).tasks(List.of(task))
          .restartPolicy(restart).reschedulePolicy(reschedule)
          .ephemeralDisk(EphemeralDisk.defaults()).migrate(migrate).build());
    }
    b.taskGroups(groups);
    return b.build();
  }

  /** What a job passes down to its groups: the job type and its job-level blocks. */
  private record Defaults(String type, UpdateStrategy update, ReschedulePolicy reschedule,
      boolean rescheduleSet, MigrateStrategy migrate, boolean migrateSet) {}

  private TaskGroup group(String name, Map<String, Object> body, String path, Defaults job) {
    checkKeys(body, GROUP_KEYS, Unsupported.GROUP, path, "group");
    TaskGroup.Builder b = TaskGroup.builder().name(name);
    b.count(integer(body, "count", path, 1));
    b.meta(stringMap(body, "meta", path));
    if (body.containsKey("update")) {
      b.update(update(body.get("update"), path + ".update",
          job.update() == null ? UpdateStrategy.defaults() : job.update()));
    }
    b.constraints(constraints(body, path));
    b.affinities(affinities(body, path));
    b.spreads(spreads(body, path));
    if (body.containsKey("network")) {
      b.networks(networks(body.get("network"), path + ".network"));
    }
    if (body.containsKey("service")) {
      b.services(services(body.get("service"), path + ".service", null));
    }
    RestartPolicy restart = defaultRestart(job.type());
    if (body.containsKey("restart")) {
      restart = restart(body.get("restart"), path + ".restart", restart);
    }
    b.restartPolicy(restart);
    if (body.containsKey("reschedule")) {
      ReschedulePolicy base = job.reschedule() == null
          ? ReschedulePolicy.serviceDefaults() : job.reschedule();
      b.reschedulePolicy(reschedule(body.get("reschedule"), path + ".reschedule", base));
    } else {
      b.reschedulePolicy(job.reschedule());
    }
    // A job-level reschedule on a system job is as wrong as a group-level one: keep it so the
    // validator reports it.
    EphemeralDisk disk = EphemeralDisk.defaults();
    if (body.containsKey("ephemeral_disk")) {
      disk = ephemeralDisk(body.get("ephemeral_disk"), path + ".ephemeral_disk");
    }
    b.ephemeralDisk(disk);
    if (body.containsKey("migrate")) {
      b.migrate(migrate(body.get("migrate"), path + ".migrate",
          job.migrate() == null ? MigrateStrategy.defaults() : job.migrate()));
    } else {
      b.migrate(job.migrate());
    }
    b.shutdownDelay(duration(body, "shutdown_delay", path, null));
    b.maxClientDisconnect(duration(body, "max_client_disconnect", path, null));
    if (body.containsKey("volume")) {
      b.volumes(volumes(body.get("volume"), path + ".volume"));
    }
    List<Task> tasks = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> t : labeled(body.get("task"), path + ".task").entrySet()) {
      tasks.add(task(t.getKey(), t.getValue(), path + ".task." + t.getKey(), restart));
    }
    b.tasks(tasks);
    return b.build();
  }

  private Task task(String name, Map<String, Object> body, String path, RestartPolicy groupRestart) {
    checkKeys(body, TASK_KEYS, Unsupported.TASK, path, "task");
    Task.Builder b = Task.builder().name(name);
    b.driver(str(body, "driver", path, null));
    b.user(str(body, "user", path, null));
    b.killSignal(str(body, "kill_signal", path, null));
    b.leader(bool(body, "leader", path, false));
    b.killTimeout(duration(body, "kill_timeout", path, Duration.ofSeconds(5)));
    b.shutdownDelay(duration(body, "shutdown_delay", path, null));
    b.env(stringMap(body, "env", path));
    b.meta(stringMap(body, "meta", path));
    if (body.containsKey("config")) {
      b.config(config(body.get("config"), path + ".config"));
    }
    b.resources(body.containsKey("resources")
        ? resources(body.get("resources"), path + ".resources") : Resources.defaults());
    b.constraints(constraints(body, path));
    b.affinities(affinities(body, path));
    if (body.containsKey("service")) {
      b.services(services(body.get("service"), path + ".service", name));
    }
    b.restartPolicy(body.containsKey("restart")
        ? restart(body.get("restart"), path + ".restart", groupRestart) : groupRestart);
    b.logConfig(body.containsKey("logs") ? logs(body.get("logs"), path + ".logs") : LogConfig.defaults());
    if (body.containsKey("artifact")) {
      b.artifacts(artifacts(body.get("artifact"), path + ".artifact"));
    }
    if (body.containsKey("template")) {
      b.templates(templates(body.get("template"), path + ".template"));
    }
    if (body.containsKey("lifecycle")) {
      b.lifecycle(lifecycle(body.get("lifecycle"), path + ".lifecycle"));
    }
    if (body.containsKey("dispatch_payload")) {
      Map<String, Object> p = block(body.get("dispatch_payload"), path + ".dispatch_payload");
      checkKeys(p, PAYLOAD_KEYS, Map.of(), path + ".dispatch_payload", "dispatch_payload");
      b.dispatchPayload(new DispatchPayload(str(p, "file", path + ".dispatch_payload", null)));
    }
    if (body.containsKey("volume_mount")) {
      List<VolumeMount> mounts = new ArrayList<>();
      for (Map<String, Object> m : repeated(body.get("volume_mount"), path + ".volume_mount")) {
        String p = path + ".volume_mount";
        checkKeys(m, VOLUME_MOUNT_KEYS, Unsupported.VOLUME_MOUNT, p, "volume_mount");
        mounts.add(new VolumeMount(str(m, "volume", p, null), str(m, "destination", p, null),
            bool(m, "read_only", p, false), str(m, "propagation_mode", p, "private")));
      }
      b.volumeMounts(mounts);
    }
    return b.build();
  }

  // ---- blocks -------------------------------------------------------------------------------

  private Resources resources(Object v, String path) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, RESOURCES_KEYS, Unsupported.RESOURCES, path, "resources");
    Resources d = Resources.defaults();
    int cores = integer(body, "cores", path, 0);
    // Nomad: cores replace the CPU default; a task asks for one or the other.
    int cpu = integer(body, "cpu", path, cores > 0 ? 0 : d.cpu());
    int memory = integer(body, "memory", path, d.memoryMb());
    if (body.containsKey("cpu") && cpu == 0 && cores == 0) {
      validationErrors.add(error(path + ".cpu", "cpu must be >= 1 MHz, got 0"));
    }
    if (body.containsKey("memory") && memory == 0) {
      validationErrors.add(error(path + ".memory", "memory must be >= 10 MiB, got 0"));
    }
    // disk is Nomad's deprecated per-task disk (DiskMB): kept as written, scheduled by the
    // group's ephemeral_disk.
    return new Resources(cpu, cores, memory, integer(body, "memory_max", path, 0),
        integer(body, "disk", path, 0));
  }

  private UpdateStrategy update(Object v, String path, UpdateStrategy base) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, UPDATE_KEYS, Map.of(), path, "update");
    return new UpdateStrategy(
        duration(body, "stagger", path, base.stagger()),
        integer(body, "max_parallel", path, base.maxParallel()),
        str(body, "health_check", path, base.healthCheck()),
        duration(body, "min_healthy_time", path, base.minHealthyTime()),
        duration(body, "healthy_deadline", path, base.healthyDeadline()),
        duration(body, "progress_deadline", path, base.progressDeadline()),
        bool(body, "auto_revert", path, base.autoRevert()),
        bool(body, "auto_promote", path, base.autoPromote()),
        integer(body, "canary", path, base.canary()),
        bool(body, "revert_skips_canary", path, base.revertSkipsCanary()));
  }

  private MigrateStrategy migrate(Object v, String path, MigrateStrategy base) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, MIGRATE_KEYS, Map.of(), path, "migrate");
    return new MigrateStrategy(integer(body, "max_parallel", path, base.maxParallel()),
        str(body, "health_check", path, base.healthCheck()),
        duration(body, "min_healthy_time", path, base.minHealthyTime()),
        duration(body, "healthy_deadline", path, base.healthyDeadline()));
  }

  static RestartPolicy defaultRestart(String type) {
    return Job.TYPE_BATCH.equals(type) || Job.TYPE_SYSBATCH.equals(type)
        ? RestartPolicy.batchDefaults() : RestartPolicy.serviceDefaults();
  }

  static ReschedulePolicy defaultReschedule(String type) {
    if (Job.TYPE_SERVICE.equals(type)) {
      return ReschedulePolicy.serviceDefaults();
    }
    return Job.TYPE_BATCH.equals(type) ? ReschedulePolicy.batchDefaults() : null;
  }

  private RestartPolicy restart(Object v, String path, RestartPolicy base) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, RESTART_KEYS, Map.of(), path, "restart");
    return new RestartPolicy(integer(body, "attempts", path, base.attempts()),
        duration(body, "interval", path, base.interval()),
        duration(body, "delay", path, base.delay()),
        str(body, "mode", path, base.mode()),
        bool(body, "render_templates", path, base.renderTemplates()));
  }

  private ReschedulePolicy reschedule(Object v, String path, ReschedulePolicy base) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, RESCHEDULE_KEYS, Map.of(), path, "reschedule");
    ReschedulePolicy b = base == null ? new ReschedulePolicy(0, Duration.ZERO, Duration.ZERO,
        "", Duration.ZERO, false) : base;
    return new ReschedulePolicy(integer(body, "attempts", path, b.attempts()),
        duration(body, "interval", path, b.interval()),
        duration(body, "delay", path, b.delay()),
        str(body, "delay_function", path, b.delayFunction()),
        duration(body, "max_delay", path, b.maxDelay()),
        bool(body, "unlimited", path, b.unlimited()));
  }

  private EphemeralDisk ephemeralDisk(Object v, String path) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, DISK_KEYS, Map.of(), path, "ephemeral_disk");
    EphemeralDisk d = EphemeralDisk.defaults();
    return new EphemeralDisk(bool(body, "sticky", path, d.sticky()),
        integer(body, "size", path, d.sizeMb()), bool(body, "migrate", path, d.migrate()));
  }

  private LogConfig logs(Object v, String path) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, LOGS_KEYS, Map.of(), path, "logs");
    LogConfig d = LogConfig.defaults();
    boolean disabled = bool(body, "disabled", path, false);
    if (body.containsKey("enabled")) {
      disabled = !bool(body.get("enabled"), path + ".enabled");
    }
    return new LogConfig(integer(body, "max_files", path, d.maxFiles()),
        integer(body, "max_file_size", path, d.maxFileSizeMb()), disabled);
  }

  private Map<String, VolumeRequest> volumes(Object v, String path) {
    Map<String, VolumeRequest> out = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Object>> e : labeled(v, path).entrySet()) {
      String p = path + "." + e.getKey();
      Map<String, Object> body = e.getValue();
      checkKeys(body, VOLUME_KEYS, Unsupported.VOLUME, p, "volume");
      String type = str(body, "type", p, "host");
      if ("csi".equals(type)) {
        fail(p + ".type", Unsupported.feature("CSI volumes"));
      } else if (!"host".equals(type)) {
        fail(p + ".type", "volume type must be host, got \"" + type + "\"");
      }
      out.put(e.getKey(), new VolumeRequest(e.getKey(), type, str(body, "source", p, null),
          bool(body, "read_only", p, false), str(body, "access_mode", p, null),
          str(body, "attachment_mode", p, null), bool(body, "per_alloc", p, false),
          bool(body, "sticky", p, false)));
    }
    return out;
  }

  private List<TaskArtifact> artifacts(Object v, String path) {
    List<TaskArtifact> out = new ArrayList<>();
    for (Map<String, Object> body : repeated(v, path)) {
      checkKeys(body, ARTIFACT_KEYS, Unsupported.ARTIFACT, path, "artifact");
      String source = str(body, "source", path, null);
      if (source == null || source.isBlank()) {
        fail(path + ".source", "artifact needs a source");
      }
      String mode = str(body, "mode", path, "any");
      String dest = str(body, "destination", path, null);
      if (dest == null) {
        // Nomad: a file download lands under its own name in local/, anything else in local/.
        dest = "file".equals(mode) && source != null
            ? "local/" + source.substring(source.lastIndexOf('/') + 1) : "local/";
      }
      out.add(new TaskArtifact(source, stringMap(body, "options", path),
          stringMap(body, "headers", path), mode, dest));
    }
    return out;
  }

  private List<Template> templates(Object v, String path) {
    List<Template> out = new ArrayList<>();
    for (Map<String, Object> body : repeated(v, path)) {
      checkKeys(body, TEMPLATE_KEYS, Unsupported.TEMPLATE, path, "template");
      out.add(new Template(str(body, "source", path, null), str(body, "destination", path, null),
          str(body, "data", path, null), str(body, "change_mode", path, "restart"),
          str(body, "change_signal", path, null), duration(body, "splay", path, Duration.ofSeconds(5)),
          str(body, "perms", path, "0644"), str(body, "left_delimiter", path, "{{"),
          str(body, "right_delimiter", path, "}}"), bool(body, "env", path, false)));
    }
    return out;
  }

  private TaskLifecycle lifecycle(Object v, String path) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, LIFECYCLE_KEYS, Map.of(), path, "lifecycle");
    return new TaskLifecycle(str(body, "hook", path, null), bool(body, "sidecar", path, false));
  }

  private List<Constraint> constraints(Map<String, Object> parent, String parentPath) {
    if (!parent.containsKey("constraint")) {
      return List.of();
    }
    String path = parentPath + ".constraint";
    List<Constraint> out = new ArrayList<>();
    for (Map<String, Object> body : repeated(parent.get("constraint"), path)) {
      checkKeys(body, CONSTRAINT_KEYS, Map.of(), path, "constraint");
      String attribute = str(body, "attribute", path, "");
      String operator = str(body, "operator", path, "=");
      String value = body.containsKey("value") ? str(body.get("value"), path + ".value") : "";
      // Nomad's shorthands: the operator as the attribute name, its value as the target.
      for (String op : List.of("regexp", "set_contains", "set_contains_any", "set_contains_all",
          "version", "semver")) {
        if (body.containsKey(op)) {
          operator = op;
          value = str(body.get(op), path + "." + op);
        }
      }
      if (body.containsKey("distinct_property")) {
        operator = "distinct_property";
        attribute = str(body.get("distinct_property"), path + ".distinct_property");
      }
      if (body.containsKey("distinct_hosts")) {
        if (!bool(body.get("distinct_hosts"), path + ".distinct_hosts")) {
          continue;
        }
        operator = "distinct_hosts";
      }
      out.add(new Constraint(attribute, value, operator));
    }
    return out;
  }

  private List<Affinity> affinities(Map<String, Object> parent, String parentPath) {
    if (!parent.containsKey("affinity")) {
      return List.of();
    }
    String path = parentPath + ".affinity";
    List<Affinity> out = new ArrayList<>();
    for (Map<String, Object> body : repeated(parent.get("affinity"), path)) {
      checkKeys(body, AFFINITY_KEYS, Map.of(), path, "affinity");
      String operator = str(body, "operator", path, "=");
      String value = str(body, "value", path, "");
      for (String op : List.of("regexp", "set_contains", "set_contains_any", "set_contains_all",
          "version", "semver")) {
        if (body.containsKey(op)) {
          operator = op;
          value = str(body.get(op), path + "." + op);
        }
      }
      out.add(new Affinity(str(body, "attribute", path, ""), value, operator,
          integer(body, "weight", path, 50)));
    }
    return out;
  }

  private List<Spread> spreads(Map<String, Object> parent, String parentPath) {
    if (!parent.containsKey("spread")) {
      return List.of();
    }
    String path = parentPath + ".spread";
    List<Spread> out = new ArrayList<>();
    for (Map<String, Object> body : repeated(parent.get("spread"), path)) {
      checkKeys(body, SPREAD_KEYS, Map.of(), path, "spread");
      List<Spread.SpreadTarget> targets = new ArrayList<>();
      for (Map.Entry<String, Map<String, Object>> t : labeled(body.get("target"), path + ".target").entrySet()) {
        String p = path + ".target." + t.getKey();
        checkKeys(t.getValue(), TARGET_KEYS, Map.of(), p, "target");
        targets.add(new Spread.SpreadTarget(str(t.getValue(), "value", p, t.getKey()),
            integer(t.getValue(), "percent", p, 0)));
      }
      out.add(new Spread(str(body, "attribute", path, ""), integer(body, "weight", path, 0), targets));
    }
    return out;
  }

  /** {@code service} blocks; provider defaults to Nomad's own catalogue ("nomad"). */
  private List<Service> services(Object v, String path, String taskName) {
    List<Service> out = new ArrayList<>();
    for (Map<String, Object> body : repeated(v, path)) {
      checkKeys(body, SERVICE_KEYS, Unsupported.SERVICE, path, "service");
      CheckRestart serviceRestart = body.containsKey("check_restart")
          ? checkRestart(body.get("check_restart"), path + ".check_restart") : null;
      List<ServiceCheck> checks = new ArrayList<>();
      if (body.containsKey("check")) {
        for (Map<String, Object> c : repeated(body.get("check"), path + ".check")) {
          checks.add(check(c, path + ".check", serviceRestart));
        }
      }
      String provider = str(body, "provider", path, "nomad");
      if ("consul".equals(provider)) {
        fail(path + ".provider", Unsupported.feature("the consul service provider"));
      } else if (!"nomad".equals(provider)) {
        fail(path + ".provider", "service provider must be nomad, got \"" + provider + "\"");
      }
      out.add(new Service(
          body.containsKey("name") ? str(body.get("name"), path + ".name") : null,
          body.containsKey("port") ? portLabel(body.get("port"), path + ".port") : null,
          strings(body, "tags", path), provider, str(body, "task", path, taskName), checks,
          stringMap(body, "meta", path), stringMap(body, "canary_meta", path),
          strings(body, "canary_tags", path), bool(body, "enable_tag_override", path, false),
          str(body, "address_mode", path, "auto"), str(body, "address", path, null),
          str(body, "on_update", path, "require_healthy"),
          stringMap(body, "tagged_addresses", path)));
    }
    return out;
  }

  private ServiceCheck check(Map<String, Object> body, String path, CheckRestart serviceRestart) {
    checkKeys(body, CHECK_KEYS, Unsupported.CHECK, path, "check");
    String type = str(body, "type", path, null);
    Duration interval = duration(body, "interval", path, null);
    Duration timeout = duration(body, "timeout", path, null);
    return new ServiceCheck(str(body, "name", path, null), type, str(body, "path", path, null),
        str(body, "protocol", path, null),
        body.containsKey("port") ? portLabel(body.get("port"), path + ".port") : null,
        str(body, "command", path, null), strings(body, "args", path), interval, timeout,
        str(body, "method", path, null), headers(body, path), str(body, "body", path, null),
        str(body, "initial_status", path, null), bool(body, "tls_skip_verify", path, false),
        str(body, "grpc_service", path, null), bool(body, "grpc_use_tls", path, false),
        str(body, "address_mode", path, null), str(body, "task", path, null),
        str(body, "on_update", path, "require_healthy"),
        integer(body, "success_before_passing", path, 0),
        integer(body, "failures_before_critical", path, 0),
        integer(body, "failures_before_warning", path, 0),
        body.containsKey("check_restart")
            ? checkRestart(body.get("check_restart"), path + ".check_restart") : serviceRestart);
  }

  private CheckRestart checkRestart(Object v, String path) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, CHECK_RESTART_KEYS, Map.of(), path, "check_restart");
    return new CheckRestart(integer(body, "limit", path, 0),
        duration(body, "grace", path, Duration.ofSeconds(1)),
        bool(body, "ignore_warnings", path, false));
  }

  /** {@code header { Name = ["value", ...] }}: every value is a list of strings. */
  private Map<String, List<String>> headers(Map<String, Object> body, String path) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (!body.containsKey("header")) {
      return out;
    }
    String p = path + ".header";
    for (Map.Entry<String, Object> e : block(body.get("header"), p).entrySet()) {
      if (e.getValue() instanceof List<?>) {
        out.put(e.getKey(), strings(e.getValue(), p + "." + e.getKey()));
      } else {
        fail(p + "." + e.getKey(), "header " + e.getKey() + " must be a list of strings, got "
            + kindOf(e.getValue()));
      }
    }
    return out;
  }

  /** A port is named by its label ("http") or given as a number. */
  private String portLabel(Object v, String path) {
    return str(v, path);
  }

  private PeriodicConfig periodic(Object v, String path) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, PERIODIC_KEYS, Map.of(), path, "periodic");
    List<String> specs = strings(body, "crons", path);
    String spec = str(body, "cron", path, null);
    if (spec == null && specs.isEmpty()) {
      fail(path, "periodic needs cron or crons");
    }
    if (spec != null && !specs.isEmpty()) {
      fail(path, "periodic takes cron or crons, not both");
    }
    return new PeriodicConfig(bool(body, "enabled", path, true), spec, specs, "cron",
        bool(body, "prohibit_overlap", path, false), str(body, "time_zone", path, "UTC"));
  }

  private ParameterizedJobConfig parameterized(Object v, String path) {
    Map<String, Object> body = block(v, path);
    checkKeys(body, PARAMETERIZED_KEYS, Map.of(), path, "parameterized");
    String payload = str(body, "payload", path, ParameterizedJobConfig.PAYLOAD_OPTIONAL);
    return new ParameterizedJobConfig(payload, strings(body, "meta_required", path),
        strings(body, "meta_optional", path));
  }

  private List<NetworkResource> networks(Object v, String path) {
    List<NetworkResource> out = new ArrayList<>();
    List<Map<String, Object>> blocks = repeated(v, path);
    if (blocks.size() > 1) {
      fail(path, "only one network block is allowed in a group");
    }
    for (Map<String, Object> body : blocks) {
      checkKeys(body, NETWORK_KEYS, Unsupported.NETWORK, path, "network");
      String mode = str(body, "mode", path, "host");
      if (mode != null && mode.startsWith("cni/")) {
        fail(path + ".mode", Unsupported.feature("CNI networking (mode \"" + mode + "\")"));
      } else if (mode != null && !Set.of("host", "bridge", "none").contains(mode)) {
        fail(path + ".mode", "network mode must be host, bridge or none, got \"" + mode + "\"");
      }
      List<Port> reserved = new ArrayList<>();
      List<Port> dynamic = new ArrayList<>();
      for (Map.Entry<String, Map<String, Object>> p : labeled(body.get("port"), path + ".port").entrySet()) {
        String portPath = path + ".port." + p.getKey();
        Map<String, Object> pb = p.getValue();
        checkKeys(pb, PORT_KEYS, Map.of(), portPath, "port");
        int value = integer(pb, "static", portPath, 0);
        Port port = new Port(p.getKey(), value, integer(pb, "to", portPath, 0),
            str(pb, "host_network", portPath, "default"));
        (value != 0 ? reserved : dynamic).add(port);
      }
      out.add(new NetworkResource(mode, null, null, null, integer(body, "mbits", path, 0),
          reserved, dynamic, str(body, "hostname", path, null)));
    }
    return out;
  }

  private Map<String, Object> config(Object v, String path) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : block(v, path).entrySet()) {
      out.put(e.getKey(), freeForm(e.getValue(), path + "." + e.getKey()));
    }
    return out;
  }
}
