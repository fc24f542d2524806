package dev.caravan.cluster.deploy;

import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.DeploymentState;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.UpdateStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Operators' deployment and version requests, validated against a state image before anything
 * is proposed (a command that apply would refuse is never written): each method returns the
 * command to propose or throws a {@link ClusterException} whose message names the rule.
 */
public final class DeploymentRequests {
  private DeploymentRequests() {}

  /** Promotes the canaries of every group ({@code all}) or of the named groups. */
  public static Command promote(ClusterState s, String id, boolean all, List<String> groups,
      String evalId, long now) throws ClusterException {
    Deployment d = active(s, id, "promote");
    List<String> named = groups == null ? List.of() : groups;
    if (!all && named.isEmpty()) {
      throw ClusterException.badRequest(
          "promote: name the groups to promote (\"Groups\") or set \"All\": true");
    }
    boolean anyCanaries = d.taskGroups().values().stream().anyMatch(g -> g.desiredCanaries() > 0);
    if (!anyCanaries) {
      throw ClusterException.badRequest("deployment " + id + " has no canaries to promote");
    }
    for (String g : named) {
      DeploymentState state = d.taskGroups().get(g);
      if (state == null) {
        throw ClusterException.badRequest("deployment " + id + " has no task group \"" + g + "\"");
      }
      if (state.desiredCanaries() == 0) {
        throw ClusterException.badRequest("task group \"" + g + "\" of deployment " + id
            + " has no canaries to promote");
      }
    }
    for (Map.Entry<String, DeploymentState> e : d.taskGroups().entrySet()) {
      DeploymentState g = e.getValue();
      if ((all || named.contains(e.getKey())) && g.desiredCanaries() > 0 && !g.promoted()) {
        int healthy = 0;
        for (var a : s.allocsByJob(d.namespace(), d.jobId())) {
          if (g.placedCanaries().contains(a.id()) && a.deploymentStatus() != null
              && Boolean.TRUE.equals(a.deploymentStatus().healthy())) {
            healthy++;
          }
        }
        if (healthy < g.desiredCanaries()) {
          throw ClusterException.badRequest("task group \"" + e.getKey() + "\" has " + healthy
              + " healthy canaries of " + g.desiredCanaries() + " desired: promote once every"
              + " canary is healthy");
        }
      }
    }
    return new Command.DeploymentPromote(id, all, named, eval(d, evalId, now), now);
  }

  /** Sets the health of allocations of an active deployment by hand (manual health checks). */
  public static Command allocHealth(ClusterState s, String id, List<String> healthy,
      List<String> unhealthy, String evalId, long now) throws ClusterException {
    Deployment d = active(s, id, "set allocation health of");
    List<String> all = new ArrayList<>(healthy == null ? List.of() : healthy);
    all.addAll(unhealthy == null ? List.of() : unhealthy);
    if (all.isEmpty()) {
      throw ClusterException.badRequest("name allocations in HealthyAllocationIDs or"
          + " UnhealthyAllocationIDs");
    }
    for (String allocId : all) {
      var a = s.alloc(allocId).orElse(null);
      if (a == null || !id.equals(a.deploymentId())) {
        throw ClusterException.badRequest("allocation " + allocId + " is not part of deployment "
            + id);
      }
    }
    return new Command.DeploymentAllocHealth(id, healthy, unhealthy, eval(d, evalId, now), now);
  }

  /** Pauses ({@code pause}) or resumes a running or paused deployment. */
  public static Command pause(ClusterState s, String id, boolean pause, String evalId, long now)
      throws ClusterException {
    Deployment d = active(s, id, pause ? "pause" : "resume");
    Map<String, DeploymentState> groups = new java.util.LinkedHashMap<>(d.taskGroups());
    if (!pause) {
      // time spent paused does not count against the progress deadline
      groups.replaceAll((name, g) -> g.progressDeadline() == null || g.progressDeadline().isZero()
          ? g : new DeploymentState(g.autoRevert(), g.autoPromote(), g.progressDeadline(),
              now + g.progressDeadline().toNanos(), g.promoted(), g.placedCanaries(),
              g.desiredCanaries(), g.desiredTotal(), g.placedAllocs(), g.healthyAllocs(),
              g.unhealthyAllocs()));
    }
    Deployment next = d.toBuilder().taskGroups(groups)
        .status(pause ? Deployment.STATUS_PAUSED : Deployment.STATUS_RUNNING)
        .statusDescription(pause ? Deployment.DESCRIPTION_PAUSED
            : Deployment.DESCRIPTION_RUNNING).build();
    return new Command.DeploymentUpdate(next, pause ? null : eval(d, evalId, now), null, now);
  }

  /** Fails an active deployment, reverting like the watcher does when it auto-reverts. */
  public static Command fail(ClusterState s, String id, String evalId, long now)
      throws ClusterException {
    Deployment d = active(s, id, "fail");
    String why = Deployment.DESCRIPTION_FAILED_BY_USER;
    Command.JobRegister revert = null;
    Evaluation eval = eval(d, evalId, now);
    Job job = s.job(d.namespace(), d.jobId()).orElse(null);
    boolean autoRevert = d.taskGroups().values().stream().anyMatch(DeploymentState::autoRevert);
    if (autoRevert && job != null && job.version() == d.jobVersion()) {
      Job stable = DeploymentDecider.latestStableBefore(s, job);
      if (stable == null) {
        why += " - no stable job version to auto revert to";
      } else if (stable.spec().equals(job.spec())) {
        why += " - not rolling back to stable job version " + stable.version()
            + " as current job has same specification";
      } else {
        why += " - rolling back to job version " + stable.version();
        revert = new Command.JobRegister(stable.spec(), true, job.jobModifyIndex(),
            eval.toBuilder().triggeredBy(Evaluation.TRIGGER_JOB_REGISTER).build(), now);
        eval = null;
      }
    }
    Deployment next = d.toBuilder().status(Deployment.STATUS_FAILED).statusDescription(why)
        .build();
    return new Command.DeploymentUpdate(next, eval, revert, now);
  }

  /**
   * Registers an older version of a job as its newest ({@code POST /v1/job/:id/revert});
   * {@code enforcePriorVersion}, when set, must equal the current version.
   */
  public static Command.JobRegister revert(ClusterState s, String namespace, String jobId,
      long version, Long enforcePriorVersion, String evalId, long now) throws ClusterException {
    Job current = s.job(namespace, jobId)
        .orElseThrow(() -> ClusterException.notFound("job not found: " + jobId));
    if (enforcePriorVersion != null && enforcePriorVersion != current.version()) {
      throw ClusterException.badRequest("EnforcePriorVersion: current job version is "
          + current.version() + ", not " + enforcePriorVersion);
    }
    if (version == current.version()) {
      throw ClusterException.badRequest("JobVersion: can't revert to current version "
          + version);
    }
    Job target = null;
    for (Job v : s.jobVersions(namespace, jobId)) {
      if (v.version() == version) {
        target = v;
      }
    }
    if (target == null) {
      throw ClusterException.badRequest("JobVersion: job " + jobId + " has no version "
          + version + " (kept versions: " + s.jobVersions(namespace, jobId).stream()
              .map(j -> Long.toString(j.version())).toList() + ")");
    }
    Evaluation eval = Evaluation.builder().id(evalId).namespace(current.namespace())
        .priority(target.priority()).type(target.type())
        .triggeredBy(Evaluation.TRIGGER_JOB_REGISTER).jobId(jobId)
        .status(Evaluation.STATUS_PENDING).createTime(now).modifyTime(now).build();
    return new Command.JobRegister(target.spec(), true, current.jobModifyIndex(), eval, now);
  }

  /**
   * The update block's rules (Nomad's {@code UpdateStrategy.Validate} plus the canary count
   * against the group's count), for a defaulted job; messages name the field.
   */
  public static List<String> validateUpdate(Job job) {
    List<String> errors = new ArrayList<>();
    if (job.update() != null && !Job.TYPE_SERVICE.equals(job.type())
        && !Job.TYPE_SYSTEM.equals(job.type())) {
      errors.add("job." + job.id() + ".update: job type \"" + job.type()
          + "\" does not allow an update block");
    }
    for (TaskGroup g : job.taskGroups()) {
      UpdateStrategy u = g.update();
      if (u == null) {
        continue;
      }
      String p = "job." + job.id() + ".group." + g.name() + ".update";
      if (u.maxParallel() < 0) {
        errors.add(p + ".max_parallel: max_parallel can not be less than zero");
      }
      if (u.canary() < 0) {
        errors.add(p + ".canary: canary count can not be less than zero");
      }
      if (u.canary() > g.count()) {
        errors.add(p + ".canary: canary count (" + u.canary()
            + ") can not be greater than the group's count (" + g.count() + ")");
      }
      if (u.healthCheck() != null && !List.of("checks", "task_states", "manual")
          .contains(u.healthCheck())) {
        errors.add(p + ".health_check: invalid health_check \"" + u.healthCheck()
            + "\": must be one of checks, task_states, manual");
      }
      if (negative(u.minHealthyTime())) {
        errors.add(p + ".min_healthy_time: minimum healthy time may not be less than zero");
      }
      if (u.healthyDeadline() != null && u.healthyDeadline().compareTo(Duration.ZERO) <= 0) {
        errors.add(p + ".healthy_deadline: healthy deadline must be greater than zero");
      }
      if (negative(u.progressDeadline())) {
        errors.add(p + ".progress_deadline: progress deadline must be zero or greater");
      }
      if (u.minHealthyTime() != null && u.healthyDeadline() != null
          && u.minHealthyTime().compareTo(u.healthyDeadline()) >= 0) {
        errors.add(p + ".min_healthy_time: minimum healthy time must be less than healthy"
            + " deadline");
      }
      if (u.healthyDeadline() != null && u.progressDeadline() != null
          && !u.progressDeadline().isZero()
          && u.healthyDeadline().compareTo(u.progressDeadline()) > 0) {
        errors.add(p + ".healthy_deadline: healthy deadline must be less than progress deadline");
      }
      if (u.stagger() != null && u.stagger().compareTo(Duration.ZERO) <= 0) {
        errors.add(p + ".stagger: stagger must be greater than zero");
      }
    }
    return errors;
  }

  private static boolean negative(Duration d) {
    return d != null && d.isNegative();
  }

  private static Deployment active(ClusterState s, String id, String verb)
      throws ClusterException {
    Deployment d = s.deployment(id)
        .orElseThrow(() -> ClusterException.notFound("deployment not found: " + id));
    if (!d.isActive()) {
      throw ClusterException.badRequest("can't " + verb + " deployment " + id + ": it is "
          + d.status() + " (only running or paused deployments can change)");
    }
    return d;
  }

  private static Evaluation eval(Deployment d, String evalId, long now) {
    return Evaluation.builder().id(evalId).namespace(d.namespace()).type(Job.TYPE_SERVICE)
        .priority(50).triggeredBy(Evaluation.TRIGGER_DEPLOYMENT_WATCHER).jobId(d.jobId())
        .deploymentId(d.id()).status(Evaluation.STATUS_PENDING).createTime(now)
        .modifyTime(now).build();
  }
}
