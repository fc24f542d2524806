package dev.caravan.cluster.state;

import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.DeploymentState;
import dev.caravan.cluster.structs.Job;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The apply side of the deployment commands (type codes 10 to 19). Like the rest of
 * {@link StateMachineCore}: deterministic, no clock, never throws for a well-formed command.
 * Every change that could race with another writer is either a merge (canaries placed,
 * promotion) or a check-and-set on the deployment's modify index (the watcher's decisions),
 * so that a stale or replayed decision changes nothing.
 */
final class DeploymentApply {
  private DeploymentApply() {}

  static void planApply(StateMachineCore.Tx tx, Command.DeploymentPlanApply c) {
    StateMachineCore.planApply(tx, c.plan());
    for (Deployment u : c.deploymentUpdates()) {
      Deployment have = tx.deployment(u.id());
      if (have != null && have.isActive()) {
        put(tx, have.toBuilder().status(u.status()).statusDescription(u.statusDescription())
            .build());
      }
    }
    Deployment d = c.deployment();
    if (d == null) {
      return;
    }
    Deployment have = tx.deployment(d.id());
    if (have == null) {
      put(tx, d.toBuilder().createIndex(tx.index).build());
      return;
    }
    // an existing deployment: the scheduler only adds the canaries it placed
    Map<String, DeploymentState> groups = new LinkedHashMap<>(have.taskGroups());
    d.taskGroups().forEach((name, planned) -> {
      DeploymentState g = groups.get(name);
      if (g == null) {
        groups.put(name, planned);
        return;
      }
      Set<String> canaries = new LinkedHashSet<>(g.placedCanaries());
      canaries.addAll(planned.placedCanaries());
      groups.put(name, new DeploymentState(g.autoRevert(), g.autoPromote(), g.progressDeadline(),
          g.requireProgressBy(), g.promoted(), new ArrayList<>(canaries), g.desiredCanaries(),
          g.desiredTotal(), g.placedAllocs(), g.healthyAllocs(), g.unhealthyAllocs()));
    });
    put(tx, have.toBuilder().taskGroups(groups).build());
  }

  static void update(StateMachineCore.Tx tx, Command.DeploymentUpdate c) {
    Deployment want = c.deployment();
    Deployment have = tx.deployment(want.id());
    if (have == null || !have.isActive() || have.modifyIndex() != want.modifyIndex()) {
      return; // decided on a stale image, or already finished: the deciders re-read and retry
    }
    put(tx, want.toBuilder().createIndex(have.createIndex()).build());
    if (Deployment.STATUS_SUCCESSFUL.equals(want.status())) {
      markStable(tx, want);
    }
    if (c.eval() != null) {
      tx.putEval(c.eval(), c.time());
    }
    if (c.revert() != null) {
      StateMachineCore.jobRegister(tx, c.revert());
    }
  }

  static void promote(StateMachineCore.Tx tx, Command.DeploymentPromote c) {
    Deployment have = tx.deployment(c.deploymentId());
    if (have == null || !have.isActive()) {
      return;
    }
    Map<String, DeploymentState> groups = new LinkedHashMap<>();
    have.taskGroups().forEach((name, g) -> {
      boolean promote = g.desiredCanaries() > 0 && (c.all() || c.groups().contains(name));
      groups.put(name, !promote ? g : new DeploymentState(g.autoRevert(), g.autoPromote(),
          g.progressDeadline(), g.requireProgressBy(), true, g.placedCanaries(),
          g.desiredCanaries(), g.desiredTotal(), g.placedAllocs(), g.healthyAllocs(),
          g.unhealthyAllocs()));
    });
    put(tx, have.toBuilder().taskGroups(groups)
        .statusDescription(Deployment.DESCRIPTION_RUNNING).build());
    if (c.eval() != null) {
      tx.putEval(c.eval(), c.time());
    }
  }

  static void allocHealth(StateMachineCore.Tx tx, Command.DeploymentAllocHealth c) {
    Deployment have = tx.deployment(c.deploymentId());
    if (have == null || !have.isActive()) {
      return;
    }
    setHealth(tx, c, c.healthy(), true);
    setHealth(tx, c, c.unhealthy(), false);
    if (c.eval() != null) {
      tx.putEval(c.eval(), c.time());
    }
  }

  private static void setHealth(StateMachineCore.Tx tx, Command.DeploymentAllocHealth c,
      List<String> ids, boolean healthy) {
    for (String id : ids) {
      var a = tx.alloc(id);
      if (a == null || !c.deploymentId().equals(a.deploymentId())) {
        continue;
      }
      boolean canary = a.deploymentStatus() != null && a.deploymentStatus().canary();
      tx.putAlloc(a.toBuilder().deploymentStatus(
          new dev.caravan.cluster.structs.AllocDeploymentStatus(healthy, c.time(), canary,
              tx.index)).modifyIndex(tx.index).build());
    }
  }

  private static void put(StateMachineCore.Tx tx, Deployment d) {
    tx.putDeployment(d.toBuilder().modifyIndex(tx.index).build());
  }

  private static void markStable(StateMachineCore.Tx tx, Deployment d) {
    String key = StateImage.jobKey(d.namespace(), d.jobId());
    List<Job> versions = tx.versions(key);
    if (versions == null) {
      return;
    }
    List<Job> copy = new ArrayList<>(versions);
    for (int i = 0; i < copy.size(); i++) {
      Job v = copy.get(i);
      if (v.version() == d.jobVersion() && !v.stable()) {
        copy.set(i, v.toBuilder().stable(true).modifyIndex(tx.index).build());
      }
    }
    tx.putVersions(key, Collections.unmodifiableList(copy));
  }
}
