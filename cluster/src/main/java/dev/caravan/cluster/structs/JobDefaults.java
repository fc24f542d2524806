package dev.caravan.cluster.structs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Nomad's defaults (its {@code Canonicalize}): region, namespace, datacenters, priority,
 * group counts, resources, update, restart and reschedule policies per job type. Applied to
 * every job before validation, whether it came from HCL or from the API.
 */
public final class JobDefaults {
  private JobDefaults() {}

  static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);

  /** Returns the job with every unset field defaulted. Idempotent. */
  public static Job apply(Job job) {
    Job.Builder b = job.toBuilder();
    String type = blank(job.type()) ? Job.TYPE_SERVICE : job.type();
    b.type(type);
    if (blank(job.region())) {
      b.region("global");
    }
    if (blank(job.namespace())) {
      b.namespace("default");
    }
    if (blank(job.nodePool())) {
      b.nodePool("default");
    }
    if (job.datacenters().isEmpty()) {
      b.datacenters(List.of("*"));
    }
    if (job.priority() == 0) {
      b.priority(50);
    }
    if (job.name() == null) {
      b.name(job.id());
    }
    UpdateStrategy update = job.update();
    if (update == null && Job.TYPE_SERVICE.equals(type)) {
      update = UpdateStrategy.defaults();
      b.update(update);
    }
    List<TaskGroup> groups = new ArrayList<>();
    for (TaskGroup g : job.taskGroups()) {
      groups.add(group(g, type, update, job.id()));
    }
    b.taskGroups(groups);
    return b.build();
  }

  private static TaskGroup group(TaskGroup g, String type, UpdateStrategy jobUpdate, String jobId) {
    boolean batchLike = Job.TYPE_BATCH.equals(type) || Job.TYPE_SYSBATCH.equals(type);
    TaskGroup.Builder b = g.toBuilder();
    RestartPolicy restart = g.restartPolicy();
    if (restart == null) {
      restart = batchLike ? RestartPolicy.batchDefaults() : RestartPolicy.serviceDefaults();
      b.restartPolicy(restart);
    }
    if (g.reschedulePolicy() == null) {
      // System and sysbatch allocations are pinned to their node: Nomad never reschedules them.
      if (Job.TYPE_SERVICE.equals(type)) {
        b.reschedulePolicy(ReschedulePolicy.serviceDefaults());
      } else if (Job.TYPE_BATCH.equals(type)) {
        b.reschedulePolicy(ReschedulePolicy.batchDefaults());
      }
    }
    // Nomad copies the job's update block into every group, whatever the type; validation
    // then refuses it where the type allows none.
    if (g.update() == null && jobUpdate != null) {
      b.update(jobUpdate);
    }
    if (g.ephemeralDisk() == null) {
      b.ephemeralDisk(EphemeralDisk.defaults());
    }
    if (g.migrate() == null && Job.TYPE_SERVICE.equals(type)) {
      b.migrate(MigrateStrategy.defaults());
    }
    b.services(services(g.services(), jobId + "-" + g.name()));
    List<Task> tasks = new ArrayList<>();
    for (Task t : g.tasks()) {
      Task defaulted = task(t, restart);
      tasks.add(defaulted.toBuilder()
          .services(services(t.services(), jobId + "-" + g.name() + "-" + t.name())).build());
    }
    b.tasks(tasks);
    return b.build();
  }

  private static Task task(Task t, RestartPolicy groupRestart) {
    Task.Builder b = t.toBuilder();
    Resources r = t.resources() == null ? Resources.defaults() : t.resources();
    int cpu = r.cpu() == 0 && r.cores() == 0 ? 100 : r.cpu();
    int memory = r.memoryMb() == 0 ? 300 : r.memoryMb();
    b.resources(new Resources(cpu, r.cores(), memory, r.memoryMaxMb(), r.diskMb()));
    if (t.killTimeout() == null) {
      b.killTimeout(KILL_TIMEOUT);
    }
    if (t.logConfig() == null) {
      b.logConfig(LogConfig.defaults());
    }
    if (t.restartPolicy() == null) {
      b.restartPolicy(groupRestart);
    }
    return b.build();
  }

  /** Nomad names an unnamed service JOB-GROUP[-TASK] and an unnamed check after its service. */
  private static List<Service> services(List<Service> services, String defaultName) {
    List<Service> out = new ArrayList<>();
    for (Service s : services) {
      String name = blank(s.name()) ? defaultName : s.name();
      List<ServiceCheck> checks = new ArrayList<>();
      for (ServiceCheck c : s.checks()) {
        checks.add(!blank(c.name()) ? c : c.withName("service: \"" + name + "\" check"));
      }
      out.add(s.with(name, checks));
    }
    return out;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
