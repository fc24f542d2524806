package dev.caravan.cluster.structs;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Nomad's validation rules for a defaulted job, as pure checks. Every error carries the path
 * of the offending value ({@code job.web.group.api.task.server.resources.memory}) so that the
 * jobspec can turn it into {@code file:line:column} and the API into a message naming the
 * field. All errors come together, never only the first.
 */
public final class JobValidator {
  private JobValidator() {}

  static final Set<String> TYPES = Set.of(Job.TYPE_SERVICE, Job.TYPE_BATCH, Job.TYPE_SYSTEM,
      Job.TYPE_SYSBATCH);
  static final Set<String> DRIVERS = Set.of("docker", "exec", "raw_exec", "java", "mock");
  static final Set<String> OPERANDS = Set.of("=", "==", "is", "!=", "not", "<", "<=", ">", ">=",
      "distinct_hosts", "distinct_property", "regexp", "set_contains", "set_contains_any",
      "set_contains_all", "version", "semver", "is_set", "is_not_set");
  private static final Set<String> ON_UPDATE = Set.of("require_healthy", "ignore_warnings", "ignore");
  private static final Set<String> HEALTH_CHECKS = Set.of("checks", "task_states", "manual");
  private static final Set<String> DELAY_FUNCTIONS = Set.of("constant", "exponential", "fibonacci");
  private static final Set<String> CHANGE_MODES = Set.of("noop", "restart", "signal", "script");
  private static final Set<String> HOOKS = Set.of(TaskLifecycle.PRESTART, TaskLifecycle.POSTSTART,
      TaskLifecycle.POSTSTOP);
  private static final Pattern PORT_LABEL = Pattern.compile("[A-Za-z0-9_]+");
  private static final Pattern NAME = Pattern.compile("[^\\s\\x00/]+");

  /** One rule a job breaks: where, and what. */
  public record Violation(String path, String message) {
    @Override
    public String toString() {
      return path + ": " + message;
    }
  }

  /** Every rule the job breaks, in a stable order; empty when the job is valid. */
  public static List<Violation> validate(Job job) {
    List<Violation> errors = new ArrayList<>();
    String jobPath = "job." + job.id();
    if (job.id() == null || job.id().isBlank()) {
      jobPath = "job";
      errors.add(new Violation(jobPath, "missing job ID"));
    } else if (job.id().chars().anyMatch(c -> c == ' ' || c == 0)) {
      errors.add(new Violation(jobPath, "job ID contains a space or null character"));
    } else if (job.id().length() > 128) {
      errors.add(new Violation(jobPath, "job ID is longer than 128 characters"));
    }
    String type = job.type();
    if (type == null || !TYPES.contains(type)) {
      errors.add(new Violation(jobPath + ".type", "invalid job type \"" + type
          + "\": must be one of batch, service, sysbatch, system"));
    }
    if (job.priority() < 1 || job.priority() > 100) {
      errors.add(new Violation(jobPath + ".priority",
          "job priority must be between 1 and 100, got " + job.priority()));
    }
    if (job.datacenters().isEmpty()) {
      errors.add(new Violation(jobPath + ".datacenters", "job has no datacenters"));
    } else if (job.datacenters().stream().anyMatch(d -> d == null || d.isBlank())) {
      errors.add(new Violation(jobPath + ".datacenters", "a datacenter must be a non-empty string"));
    }
    if (job.region() == null || job.region().isBlank()) {
      errors.add(new Violation(jobPath + ".region", "job has no region"));
    }
    if (job.taskGroups().isEmpty()) {
      errors.add(new Violation(jobPath, "job has no task groups"));
    }
    constraints(job.constraints(), jobPath + ".constraint", errors);
    affinities(job.affinities(), jobPath + ".affinity", errors);
    spreads(job.spreads(), jobPath + ".spread", errors);
    if (Job.TYPE_SYSTEM.equals(type) || Job.TYPE_SYSBATCH.equals(type)) {
      if (!job.affinities().isEmpty()) {
        errors.add(new Violation(jobPath + ".affinity", "system jobs may not have an affinity block"));
      }
      if (!job.spreads().isEmpty()) {
        errors.add(new Violation(jobPath + ".spread", "system jobs may not have a spread block"));
      }
    }
    periodic(job, jobPath, errors);
    parameterized(job, jobPath, errors);
    Set<String> groupNames = new HashSet<>();
    for (TaskGroup g : job.taskGroups()) {
      String gPath = jobPath + ".group." + g.name();
      if (!groupNames.add(g.name())) {
        errors.add(new Violation(gPath, "duplicate task group \"" + g.name() + "\""));
      }
      group(job, g, gPath, errors);
    }
    return errors;
  }

  private static void periodic(Job job, String jobPath, List<Violation> errors) {
    PeriodicConfig p = job.periodic();
    if (p == null) {
      return;
    }
    String path = jobPath + ".periodic";
    if (!Job.TYPE_BATCH.equals(job.type()) && !Job.TYPE_SYSBATCH.equals(job.type())) {
      errors.add(new Violation(path, "periodic can only be used with batch or sysbatch jobs"));
    }
    if (p.allSpecs().isEmpty()) {
      errors.add(new Violation(path, "periodic needs cron or crons"));
    }
    for (String spec : p.allSpecs()) {
      String problem = CronSyntax.check(spec);
      if (problem != null) {
        errors.add(new Violation(path + (p.specs().isEmpty() ? ".cron" : ".crons"), problem));
      }
    }
    try {
      ZoneId.of(p.timeZone());
    } catch (DateTimeException e) {
      errors.add(new Violation(path + ".time_zone", "unknown time zone \"" + p.timeZone() + "\""));
    }
  }

  private static void parameterized(Job job, String jobPath, List<Violation> errors) {
    ParameterizedJobConfig p = job.parameterizedJob();
    if (p == null) {
      return;
    }
    String path = jobPath + ".parameterized";
    if (!Job.TYPE_BATCH.equals(job.type()) && !Job.TYPE_SYSBATCH.equals(job.type())) {
      errors.add(new Violation(path, "parameterized jobs must be batch or sysbatch jobs"));
    }
    if (!Set.of(ParameterizedJobConfig.PAYLOAD_OPTIONAL, ParameterizedJobConfig.PAYLOAD_REQUIRED,
        ParameterizedJobConfig.PAYLOAD_FORBIDDEN).contains(p.payload())) {
      errors.add(new Violation(path + ".payload",
          "payload must be optional, required or forbidden, got \"" + p.payload() + "\""));
    }
    for (String m : p.metaRequired()) {
      if (p.metaOptional().contains(m)) {
        errors.add(new Violation(path + ".meta_optional",
            "meta key \"" + m + "\" is both required and optional"));
      }
    }
  }

  private static void group(Job job, TaskGroup g, String gPath, List<Violation> errors) {
    String type = job.type();
    if (g.name() == null || !NAME.matcher(g.name()).matches()) {
      errors.add(new Violation(gPath, "invalid task group name \"" + g.name() + "\""));
    }
    if (g.count() < 0) {
      errors.add(new Violation(gPath + ".count", "count must be >= 0, got " + g.count()));
    }
    if (g.tasks().isEmpty()) {
      errors.add(new Violation(gPath, "task group \"" + g.name() + "\" has no tasks"));
    }
    constraints(g.constraints(), gPath + ".constraint", errors);
    affinities(g.affinities(), gPath + ".affinity", errors);
    spreads(g.spreads(), gPath + ".spread", errors);
    boolean systemLike = Job.TYPE_SYSTEM.equals(type) || Job.TYPE_SYSBATCH.equals(type);
    if (systemLike && !g.affinities().isEmpty()) {
      errors.add(new Violation(gPath + ".affinity", "system jobs may not have an affinity block"));
    }
    if (systemLike && !g.spreads().isEmpty()) {
      errors.add(new Violation(gPath + ".spread", "system jobs may not have a spread block"));
    }
    restart(g.restartPolicy(), gPath + ".restart", errors);
    if (systemLike) {
      if (g.reschedulePolicy() != null) {
        errors.add(new Violation(gPath + ".reschedule",
            "system and sysbatch jobs may not have a reschedule policy"));
      }
    } else if (g.reschedulePolicy() != null) {
      reschedule(g.reschedulePolicy(), gPath + ".reschedule", errors);
    }
    if (g.ephemeralDisk() != null && g.ephemeralDisk().sizeMb() < 10) {
      errors.add(new Violation(gPath + ".ephemeral_disk.size",
          "ephemeral_disk size must be >= 10 MB, got " + g.ephemeralDisk().sizeMb()));
    }
    if (g.update() != null) {
      if (!Job.TYPE_SERVICE.equals(type) && !Job.TYPE_SYSTEM.equals(type)) {
        errors.add(new Violation(gPath + ".update", "job type \"" + type
            + "\" does not allow an update block"));
      } else {
        update(g.update(), g, Job.TYPE_SYSTEM.equals(type), gPath + ".update", errors);
      }
    }
    if (g.migrate() != null) {
      if (!Job.TYPE_SERVICE.equals(type)) {
        errors.add(new Violation(gPath + ".migrate", "job type \"" + type
            + "\" does not allow a migrate block"));
      } else {
        migrate(g.migrate(), gPath + ".migrate", errors);
      }
    }
    if (g.shutdownDelay() != null && g.shutdownDelay().isNegative()) {
      errors.add(new Violation(gPath + ".shutdown_delay", "shutdown_delay must be >= 0"));
    }
    if (g.maxClientDisconnect() != null && g.maxClientDisconnect().isNegative()) {
      errors.add(new Violation(gPath + ".max_client_disconnect", "max_client_disconnect must be >= 0"));
    }
    Set<String> portLabels = networks(g, gPath + ".network", errors);
    for (Map.Entry<String, VolumeRequest> v : g.volumes().entrySet()) {
      if (v.getValue().source() == null || v.getValue().source().isBlank()) {
        errors.add(new Violation(gPath + ".volume." + v.getKey() + ".source",
            "volume \"" + v.getKey() + "\" needs a source"));
      }
    }
    services(g.services(), portLabels, gPath + ".service", errors);
    Set<String> taskNames = new HashSet<>();
    int leaders = 0;
    for (Task t : g.tasks()) {
      String tPath = gPath + ".task." + t.name();
      if (!taskNames.add(t.name())) {
        errors.add(new Violation(tPath, "duplicate task \"" + t.name() + "\" in group \""
            + g.name() + "\""));
      }
      if (t.leader()) {
        leaders++;
      }
      task(job, g, t, portLabels, tPath, errors);
    }
    if (leaders > 1) {
      errors.add(new Violation(gPath, "only one task may be marked as leader"));
    }
  }

  private static void task(Job job, TaskGroup g, Task t, Set<String> portLabels, String tPath,
      List<Violation> errors) {
    if (t.name() == null || !NAME.matcher(t.name()).matches()) {
      errors.add(new Violation(tPath, "invalid task name \"" + t.name()
          + "\": no spaces, slashes or null characters"));
    }
    if (t.driver() == null || t.driver().isBlank()) {
      errors.add(new Violation(tPath + ".driver", "missing driver"));
    } else if (!DRIVERS.contains(t.driver())) {
      errors.add(new Violation(tPath + ".driver", "driver \"" + t.driver()
          + "\" is not supported by Caravan: its drivers are docker, exec, java, mock, raw_exec"));
    }
    Resources r = t.resources();
    if (r != null) {
      if (r.cpu() < 1 && r.cores() < 1) {
        errors.add(new Violation(tPath + ".resources.cpu", "cpu must be >= 1 MHz, got " + r.cpu()));
      }
      if (r.cores() < 0) {
        errors.add(new Violation(tPath + ".resources.cores", "cores must be >= 0, got " + r.cores()));
      }
      if (r.memoryMb() < 10) {
        errors.add(new Violation(tPath + ".resources.memory",
            "memory must be >= 10 MiB, got " + r.memoryMb()));
      }
      // Nomad: -1 lifts the limit (memory oversubscription without a ceiling).
      if (r.memoryMaxMb() != 0 && r.memoryMaxMb() != -1 && r.memoryMaxMb() < r.memoryMb()) {
        errors.add(new Violation(tPath + ".resources.memory_max", "memory_max ("
            + r.memoryMaxMb() + ") must be >= memory (" + r.memoryMb() + ")"));
      }
    }
    constraints(t.constraints(), tPath + ".constraint", errors);
    affinities(t.affinities(), tPath + ".affinity", errors);
    if (t.killTimeout() != null && t.killTimeout().isNegative()) {
      errors.add(new Violation(tPath + ".kill_timeout", "kill_timeout must be >= 0"));
    }
    if (t.shutdownDelay() != null && t.shutdownDelay().isNegative()) {
      errors.add(new Violation(tPath + ".shutdown_delay", "shutdown_delay must be >= 0"));
    }
    if (t.restartPolicy() != null && t.restartPolicy() != g.restartPolicy()) {
      restart(t.restartPolicy(), tPath + ".restart", errors);
    }
    LogConfig logs = t.logConfig();
    if (logs != null) {
      if (logs.maxFiles() < 1) {
        errors.add(new Violation(tPath + ".logs.max_files", "max_files must be >= 1, got "
            + logs.maxFiles()));
      }
      if (logs.maxFileSizeMb() < 1) {
        errors.add(new Violation(tPath + ".logs.max_file_size", "max_file_size must be >= 1 MB, got "
            + logs.maxFileSizeMb()));
      }
      if (g.ephemeralDisk() != null && !logs.disabled()
          && (long) logs.maxFiles() * logs.maxFileSizeMb() >= g.ephemeralDisk().sizeMb()) {
        errors.add(new Violation(tPath + ".logs", "log storage (" + logs.maxFiles() + " x "
            + logs.maxFileSizeMb() + " MB) must be less than the ephemeral disk ("
            + g.ephemeralDisk().sizeMb() + " MB)"));
      }
    }
    if (t.lifecycle() != null && !HOOKS.contains(t.lifecycle().hook())) {
      errors.add(new Violation(tPath + ".lifecycle.hook", "lifecycle hook must be prestart, "
          + "poststart or poststop, got \"" + t.lifecycle().hook() + "\""));
    }
    if (t.dispatchPayload() != null) {
      // Nomad accepts dispatch_payload in any job (a dispatched child is no longer
      // parameterized); only the path is checked.
      String f = t.dispatchPayload().file();
      if (f == null || f.isBlank() || escapes(f)) {
        errors.add(new Violation(tPath + ".dispatch_payload.file",
            "dispatch_payload file must be a relative path inside the task directory"));
      }
    }
    for (TaskArtifact a : t.artifacts()) {
      if (a.getterSource() == null || a.getterSource().isBlank()) {
        errors.add(new Violation(tPath + ".artifact.source", "artifact needs a source"));
      }
      if (!Set.of("any", "file", "dir").contains(a.getterMode())) {
        errors.add(new Violation(tPath + ".artifact.mode", "artifact mode must be any, file or dir, "
            + "got \"" + a.getterMode() + "\""));
      }
      if (a.relativeDest() != null && escapes(a.relativeDest())) {
        errors.add(new Violation(tPath + ".artifact.destination",
            "artifact destination escapes the allocation directory"));
      }
    }
    for (Template tm : t.templates()) {
      template(tm, tPath + ".template", errors);
    }
    for (VolumeMount m : t.volumeMounts()) {
      if (m.volume() == null || !g.volumes().containsKey(m.volume())) {
        errors.add(new Violation(tPath + ".volume_mount.volume", "volume_mount names volume \""
            + m.volume() + "\", which the group does not declare"));
      }
      if (m.destination() == null || m.destination().isBlank()) {
        errors.add(new Violation(tPath + ".volume_mount.destination", "volume_mount needs a destination"));
      }
    }
    services(t.services(), portLabels, tPath + ".service", errors);
  }

  private static void template(Template tm, String path, List<Violation> errors) {
    boolean hasSource = tm.sourcePath() != null && !tm.sourcePath().isEmpty();
    boolean hasData = tm.embeddedTmpl() != null && !tm.embeddedTmpl().isEmpty();
    if (!hasSource && !hasData) {
      errors.add(new Violation(path, "template needs a source or data"));
    } else if (hasSource && hasData) {
      errors.add(new Violation(path, "template takes a source or data, not both"));
    }
    if ((tm.destPath() == null || tm.destPath().isEmpty())) {
      errors.add(new Violation(path + ".destination", "template needs a destination"));
    } else if (escapes(tm.destPath())) {
      errors.add(new Violation(path + ".destination", "template destination escapes the allocation directory"));
    }
    if (!CHANGE_MODES.contains(tm.changeMode())) {
      errors.add(new Violation(path + ".change_mode", "change_mode must be noop, restart, "
          + "signal or script, got \"" + tm.changeMode() + "\""));
    } else if (tm.changeMode().equals("signal") && (tm.changeSignal() == null || tm.changeSignal().isEmpty())) {
      errors.add(new Violation(path + ".change_signal", "change_mode signal needs a change_signal"));
    }
    if (tm.splay() != null && tm.splay().isNegative()) {
      errors.add(new Violation(path + ".splay", "splay must be >= 0"));
    }
    if (tm.perms() != null && !tm.perms().matches("[0-7]{3,4}")) {
      errors.add(new Violation(path + ".perms", "perms must be an octal mode like \"0644\", got \""
          + tm.perms() + "\""));
    }
  }

  private static boolean escapes(String path) {
    String p = path.replace('\\', '/');
    int depth = 0;
    for (String part : p.split("/")) {
      if (part.equals("..")) {
        depth--;
        if (depth < -1) {
          return true;
        }
      } else if (!part.isEmpty() && !part.equals(".")) {
        depth++;
      }
    }
    return depth < 0;
  }

  /** Network rules; returns the group's port labels for services to refer to. */
  private static Set<String> networks(TaskGroup g, String path, List<Violation> errors) {
    Set<String> labels = new HashSet<>();
    if (g.networks().size() > 1) {
      errors.add(new Violation(path, "only one network block is allowed in a group"));
    }
    Map<String, String> staticPorts = new HashMap<>();
    for (NetworkResource n : g.networks()) {
      List<Port> all = new ArrayList<>(n.reservedPorts());
      all.addAll(n.dynamicPorts());
      for (Port p : all) {
        String pPath = path + ".port." + p.label();
        if (p.label() == null || !PORT_LABEL.matcher(p.label()).matches()) {
          errors.add(new Violation(pPath, "port label \"" + p.label()
              + "\" must be letters, digits and underscores"));
        } else if (!labels.add(p.label())) {
          errors.add(new Violation(pPath, "duplicate port label \"" + p.label() + "\""));
        }
        if (p.value() < 0 || p.value() > 65535) {
          errors.add(new Violation(pPath + ".static", "static port must be 0-65535, got " + p.value()));
        }
        if (p.to() < -1 || p.to() > 65535) {
          errors.add(new Violation(pPath + ".to", "port to must be -1-65535, got " + p.to()));
        }
        if (p.value() > 0) {
          String key = p.hostNetwork() + ":" + p.value();
          String other = staticPorts.putIfAbsent(key, p.label());
          if (other != null) {
            errors.add(new Violation(pPath + ".static", "static port " + p.value()
                + " already reserved by port \"" + other + "\""));
          }
        }
      }
    }
    return labels;
  }

  private static void services(List<Service> services, Set<String> portLabels, String path,
      List<Violation> errors) {
    for (Service s : services) {
      String sPath = path;
      if (s.name() != null && !s.name().matches("[A-Za-z0-9$][A-Za-z0-9${}._-]*")) {
        errors.add(new Violation(sPath + ".name", "service name \"" + s.name()
            + "\" must be letters, digits, dashes, dots and underscores"));
      }
      if (s.portLabel() != null && !s.portLabel().isEmpty() && !s.portLabel().matches("\\d+")
          && !s.portLabel().contains("${") && !portLabels.contains(s.portLabel())) {
        errors.add(new Violation(sPath + ".port", "service port \"" + s.portLabel()
            + "\" is not a port label of the group's network"));
      }
      if (s.onUpdate() != null && !ON_UPDATE.contains(s.onUpdate())) {
        errors.add(new Violation(sPath + ".on_update", "on_update must be require_healthy, "
            + "ignore_warnings or ignore, got \"" + s.onUpdate() + "\""));
      }
      if (s.addressMode() != null && !Set.of("auto", "host", "driver", "alloc").contains(s.addressMode())) {
        errors.add(new Violation(sPath + ".address_mode", "address_mode must be auto, host, driver "
            + "or alloc, got \"" + s.addressMode() + "\""));
      }
      for (ServiceCheck c : s.checks()) {
        String cPath = sPath + ".check";
        if (c.initialStatus() != null && !Set.of("passing", "warning", "critical", "")
            .contains(c.initialStatus())) {
          errors.add(new Violation(cPath + ".initial_status", "initial_status must be passing, "
              + "warning or critical, got \"" + c.initialStatus() + "\""));
        }
        if (c.onUpdate() != null && !ON_UPDATE.contains(c.onUpdate())) {
          errors.add(new Violation(cPath + ".on_update", "on_update must be require_healthy, "
              + "ignore_warnings or ignore, got \"" + c.onUpdate() + "\""));
        }
        if (c.checkRestart() != null && (c.checkRestart().limit() < 0
            || (c.checkRestart().grace() != null && c.checkRestart().grace().isNegative()))) {
          errors.add(new Violation(cPath + ".check_restart", "check_restart limit and grace must be >= 0"));
        }
        String type = c.type() == null ? "" : c.type();
        if (!Set.of("http", "tcp", "script", "grpc").contains(type)) {
          errors.add(new Violation(cPath + ".type", "check type must be one of grpc, http, script, "
              + "tcp, got " + (c.type() == null ? "nothing" : "\"" + c.type() + "\"")));
        }
        if (c.interval() == null) {
          errors.add(new Violation(cPath + ".interval", "check needs an interval (at least 1s)"));
        }
        if (c.timeout() == null) {
          errors.add(new Violation(cPath + ".timeout", "check needs a timeout (at least 1s)"));
        }
        if (type.equals("http") && (c.path() == null || c.path().isEmpty())) {
          errors.add(new Violation(cPath + ".path", "an http check needs a path"));
        }
        if (type.equals("script") && (c.command() == null || c.command().isEmpty())) {
          errors.add(new Violation(cPath + ".command", "a script check needs a command"));
        }
        if (c.interval() != null && c.interval().compareTo(Duration.ofSeconds(1)) < 0) {
          errors.add(new Violation(cPath + ".interval", "check interval must be at least 1s"));
        }
        if (c.timeout() != null && c.timeout().compareTo(Duration.ofSeconds(1)) < 0) {
          errors.add(new Violation(cPath + ".timeout", "check timeout must be at least 1s"));
        }
        if (c.portLabel() != null && !c.portLabel().isEmpty() && !c.portLabel().matches("\\d+")
            && !c.portLabel().contains("${") && !portLabels.contains(c.portLabel())) {
          errors.add(new Violation(cPath + ".port", "check port \"" + c.portLabel()
              + "\" is not a port label of the group's network"));
        }
      }
    }
  }

  private static void restart(RestartPolicy r, String path, List<Violation> errors) {
    if (r == null) {
      return;
    }
    if (!RestartPolicy.MODE_FAIL.equals(r.mode()) && !RestartPolicy.MODE_DELAY.equals(r.mode())) {
      errors.add(new Violation(path + ".mode", "restart mode must be fail or delay, got \""
          + r.mode() + "\""));
    }
    if (r.attempts() < 0) {
      errors.add(new Violation(path + ".attempts", "restart attempts must be >= 0"));
    }
    if (r.delay() != null && r.delay().isNegative()) {
      errors.add(new Violation(path + ".delay", "restart delay must be >= 0"));
    }
    if (r.interval() != null && r.delay() != null && r.attempts() > 0
        && r.delay().multipliedBy(r.attempts()).compareTo(r.interval()) > 0) {
      errors.add(new Violation(path, "cannot restart " + r.attempts() + " times in an interval of "
          + r.interval() + " with a delay of " + r.delay()));
    }
  }

  private static void reschedule(ReschedulePolicy r, String path, List<Violation> errors) {
    boolean enabled = r.unlimited() || (r.attempts() > 0 && r.interval() != null
        && r.interval().compareTo(Duration.ZERO) > 0);
    if (!enabled) {
      return;
    }
    if (!DELAY_FUNCTIONS.contains(r.delayFunction())) {
      errors.add(new Violation(path + ".delay_function", "delay_function must be constant, "
          + "exponential or fibonacci, got \"" + r.delayFunction() + "\""));
    }
    if (r.delay() == null || r.delay().compareTo(Duration.ofSeconds(5)) < 0) {
      errors.add(new Violation(path + ".delay", "reschedule delay must be at least 5s"));
    }
    if (!"constant".equals(r.delayFunction()) && r.maxDelay() != null && r.delay() != null
        && r.maxDelay().compareTo(r.delay()) < 0) {
      errors.add(new Violation(path + ".max_delay", "max_delay must be >= delay"));
    }
  }

  private static void update(UpdateStrategy u, TaskGroup g, boolean system, String path,
      List<Violation> errors) {
    if (u.maxParallel() < 0) {
      errors.add(new Violation(path + ".max_parallel", "max_parallel must be >= 0"));
    }
    if (u.canary() < 0) {
      errors.add(new Violation(path + ".canary", "canary must be >= 0"));
    }
    if (u.canary() == 0 && u.autoPromote()) {
      errors.add(new Violation(path + ".auto_promote", "auto_promote needs canary > 0"));
    }
    if (u.healthCheck() != null && !HEALTH_CHECKS.contains(u.healthCheck())) {
      errors.add(new Violation(path + ".health_check", "health_check must be checks, task_states "
          + "or manual, got \"" + u.healthCheck() + "\""));
    }
    if (u.minHealthyTime() != null && u.minHealthyTime().isNegative()) {
      errors.add(new Violation(path + ".min_healthy_time", "min_healthy_time must be >= 0"));
    }
    if (u.healthyDeadline() != null && u.healthyDeadline().compareTo(Duration.ZERO) <= 0) {
      errors.add(new Violation(path + ".healthy_deadline", "healthy_deadline must be > 0"));
    }
    if (u.minHealthyTime() != null && u.healthyDeadline() != null
        && u.minHealthyTime().compareTo(u.healthyDeadline()) >= 0) {
      errors.add(new Violation(path + ".min_healthy_time", "min_healthy_time must be less than "
          + "healthy_deadline"));
    }
    if (u.progressDeadline() != null && u.healthyDeadline() != null
        && !u.progressDeadline().isZero() && u.progressDeadline().compareTo(u.healthyDeadline()) <= 0) {
      errors.add(new Violation(path + ".progress_deadline", "progress_deadline must be 0 or more "
          + "than healthy_deadline"));
    }
    if (u.stagger() != null && u.stagger().compareTo(Duration.ZERO) <= 0) {
      errors.add(new Violation(path + ".stagger", "stagger must be > 0"));
    }
  }

  private static void migrate(MigrateStrategy m, String path, List<Violation> errors) {
    if (m.maxParallel() < 0) {
      errors.add(new Violation(path + ".max_parallel", "max_parallel must be >= 0"));
    }
    if (m.healthCheck() != null && !Set.of("checks", "task_states").contains(m.healthCheck())) {
      errors.add(new Violation(path + ".health_check", "health_check must be checks or task_states, "
          + "got \"" + m.healthCheck() + "\""));
    }
    if (m.minHealthyTime() != null && m.healthyDeadline() != null
        && m.minHealthyTime().compareTo(m.healthyDeadline()) > 0) {
      errors.add(new Violation(path + ".min_healthy_time",
          "min_healthy_time must be less than healthy_deadline"));
    }
  }

  private static void constraints(List<Constraint> cs, String path, List<Violation> errors) {
    for (Constraint c : cs) {
      operand(c.operand(), c.lTarget(), c.rTarget(), path, errors);
    }
  }

  private static void affinities(List<Affinity> as, String path, List<Violation> errors) {
    for (Affinity a : as) {
      operand(a.operand(), a.lTarget(), a.rTarget(), path, errors);
      if (a.operand().startsWith("distinct_")) {
        errors.add(new Violation(path + ".operator", "affinity operator " + a.operand()
            + " is not allowed"));
      }
      if (a.weight() == 0 || a.weight() < -100 || a.weight() > 100) {
        errors.add(new Violation(path + ".weight", "affinity weight must be -100 to 100 and not 0, "
            + "got " + a.weight()));
      }
    }
  }

  private static void operand(String op, String l, String r, String path, List<Violation> errors) {
    if (!OPERANDS.contains(op)) {
      errors.add(new Violation(path + ".operator", "unknown operator \"" + op + "\""));
      return;
    }
    boolean needsL = !op.equals("distinct_hosts");
    boolean needsR = !Set.of("distinct_hosts", "distinct_property", "is_set", "is_not_set").contains(op);
    if (needsL && (l == null || l.isEmpty())) {
      errors.add(new Violation(path + ".attribute", "constraint needs an attribute"));
    }
    if (needsR && (r == null || r.isEmpty())) {
      errors.add(new Violation(path + ".value", "constraint with operator \"" + op
          + "\" needs a value"));
    }
    if (op.equals("regexp") && r != null && !r.isEmpty() && !r.contains("${")) {
      try {
        Pattern.compile(r);
      } catch (PatternSyntaxException e) {
        errors.add(new Violation(path + ".value", "invalid regexp \"" + r + "\""));
      }
    }
  }

  private static void spreads(List<Spread> ss, String path, List<Violation> errors) {
    for (Spread s : ss) {
      if (s.attribute() == null || s.attribute().isEmpty()) {
        errors.add(new Violation(path + ".attribute", "spread needs an attribute"));
      }
      if (s.weight() < 0 || s.weight() > 100) {
        errors.add(new Violation(path + ".weight", "spread weight must be 0 to 100, got " + s.weight()));
      }
      int sum = 0;
      Set<String> values = new HashSet<>();
      for (Spread.SpreadTarget t : s.spreadTarget()) {
        if (t.percent() < 0 || t.percent() > 100) {
          errors.add(new Violation(path + ".target." + t.value() + ".percent",
              "spread target percent must be 0 to 100, got " + t.percent()));
        }
        if (!values.add(t.value())) {
          errors.add(new Violation(path + ".target." + t.value(), "duplicate spread target \""
              + t.value() + "\""));
        }
        sum += t.percent();
      }
      if (sum > 100) {
        errors.add(new Violation(path, "spread target percentages add up to " + sum
            + ", more than 100"));
      }
    }
  }
}
