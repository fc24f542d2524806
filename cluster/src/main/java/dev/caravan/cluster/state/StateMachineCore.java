package dev.caravan.cluster.state;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.GitSourceSpec;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.SourceSyncRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.pcollections.TreePMap;

/**
 * The one deterministic apply switch: {@code (image, index, command) -> image}. No clock, no
 * randomness, no I/O; never throws for a well-formed command (a refused check-and-set is
 * recorded as a no-op that still takes the index).
 */
public final class StateMachineCore {
  private StateMachineCore() {}

  public static StateImage apply(StateImage s, long index, Command command) {
    Tx tx = new Tx(s, index);
    switch (command.typeCode()) {
      case Command.JobRegister.CODE -> jobRegister(tx, (Command.JobRegister) command);
      case Command.JobDeregister.CODE -> jobDeregister(tx, (Command.JobDeregister) command);
      case Command.EvalUpsert.CODE -> {
        Command.EvalUpsert c = (Command.EvalUpsert) command;
        c.evals().forEach(e -> tx.putEval(e, c.time()));
      }
      case Command.EvalReap.CODE -> ((Command.EvalReap) command).evalIds().forEach(tx::removeEval);
      case Command.PlanApply.CODE -> planApply(tx, (Command.PlanApply) command);
      case Command.NodeRegister.CODE -> nodeRegister(tx, (Command.NodeRegister) command);
      case Command.NodeStatusUpdate.CODE -> nodeStatus(tx, (Command.NodeStatusUpdate) command);
      case Command.AllocClientUpdate.CODE ->
          allocClientUpdate(tx, (Command.AllocClientUpdate) command);
      case Command.NodeEligibilityUpdate.CODE ->
          NodeLifecycle.eligibility(tx, (Command.NodeEligibilityUpdate) command);
      case Command.NodeDrainUpdate.CODE -> NodeLifecycle.drain(tx, (Command.NodeDrainUpdate) command);
      case Command.DeploymentPlanApply.CODE ->
          DeploymentApply.planApply(tx, (Command.DeploymentPlanApply) command);
      case Command.DeploymentUpdate.CODE ->
          DeploymentApply.update(tx, (Command.DeploymentUpdate) command);
      case Command.DeploymentPromote.CODE ->
          DeploymentApply.promote(tx, (Command.DeploymentPromote) command);
      case Command.PeriodicLaunch.CODE -> periodicLaunch(tx, (Command.PeriodicLaunch) command);
      case Command.JobDispatch.CODE -> jobDispatch(tx, (Command.JobDispatch) command);
      case Command.DeploymentAllocHealth.CODE ->
          DeploymentApply.allocHealth(tx, (Command.DeploymentAllocHealth) command);
      case Command.SourceSync.CODE -> sourceSync(tx, (Command.SourceSync) command);
      case Command.JobRegisterBatch.CODE ->
          ((Command.JobRegisterBatch) command).registers().forEach(r -> jobRegister(tx, r));
      case Command.SourceUpsert.CODE -> {
        Command.SourceUpsert c = (Command.SourceUpsert) command;
        tx.gitSources = tx.gitSources.plus(c.source().name(), c.source().withModifyIndex(tx.index));
      }
      case Command.SourceDelete.CODE ->
          tx.gitSources = tx.gitSources.minus(((Command.SourceDelete) command).name());
      default -> { } // unknown commands only take the index
    }
    return tx.done();
  }

  /** True when two versions of a job have the same spec (ignoring bookkeeping fields). */
  public static boolean sameSpec(Job a, Job b) {
    return a.spec().equals(b.spec());
  }

  static void jobRegister(Tx tx, Command.JobRegister c) {
    Job job = c.job();
    String key = StateImage.jobKey(job.namespace(), job.id());
    List<Job> versions = tx.versions(key);
    Job current = versions == null ? null : versions.get(0);
    if (c.enforceIndex()) {
      long have = current == null ? 0 : current.jobModifyIndex();
      if (have != c.jobModifyIndex()) {
        return; // refused check-and-set: the server answered 409 before proposing, or lost a race
      }
    }
    Job next;
    if (current != null && sameSpec(current, job)) {
      next = current.toBuilder().modifyIndex(tx.index).build();
      List<Job> copy = new ArrayList<>(versions);
      copy.set(0, next);
      tx.putVersions(key, Collections.unmodifiableList(copy));
    } else {
      next = job.toBuilder()
          .version(current == null ? 0 : current.version() + 1)
          .createIndex(current == null ? tx.index : current.createIndex())
          .modifyIndex(tx.index)
          .jobModifyIndex(tx.index)
          .submitTime(c.submitTime())
          .stable(false)
          .status(job.stop() ? Job.STATUS_DEAD : Job.STATUS_PENDING)
          .build();
      List<Job> copy = new ArrayList<>();
      copy.add(next);
      if (versions != null) {
        copy.addAll(versions.subList(0, Math.min(versions.size(), StateImage.KEPT_VERSIONS - 1)));
      }
      tx.putVersions(key, Collections.unmodifiableList(copy));
    }
    if (c.eval() != null) {
      tx.putEval(c.eval().toBuilder().jobModifyIndex(next.jobModifyIndex()).build(),
          c.submitTime());
    }
    tx.refreshJobStatus(job.namespace(), job.id());
  }

  private static void jobDeregister(Tx tx, Command.JobDeregister c) {
    String key = StateImage.jobKey(c.namespace(), c.jobId());
    List<Job> versions = tx.versions(key);
    if (versions == null) {
      return;
    }
    if (c.purge()) {
      tx.removeJob(key);
      tx.periodic = tx.periodic.withoutJob(c.namespace(), c.jobId());
    } else {
      Job stopped = versions.get(0).toBuilder().stop(true).version(versions.get(0).version() + 1)
          .modifyIndex(tx.index).jobModifyIndex(tx.index).submitTime(c.time()).build();
      List<Job> copy = new ArrayList<>();
      copy.add(stopped);
      copy.addAll(versions.subList(0, Math.min(versions.size(), StateImage.KEPT_VERSIONS - 1)));
      tx.putVersions(key, Collections.unmodifiableList(copy));
      tx.refreshJobStatus(c.namespace(), c.jobId());
    }
    if (c.eval() != null) {
      tx.putEval(c.eval(), c.time());
    }
  }

  private static void periodicLaunch(Tx tx, Command.PeriodicLaunch c) {
    for (Command.PeriodicLaunch.Launch l : c.launches()) {
      periodicLaunch(tx, l, c.time());
    }
  }

  private static void periodicLaunch(Tx tx, Command.PeriodicLaunch.Launch c, long time) {
    if (tx.job(c.namespace(), c.parentId()) == null) {
      return;
    }
    String key = StateImage.jobKey(c.namespace(), c.parentId());
    dev.caravan.cluster.structs.PeriodicLaunch record = tx.periodic.launches.get(key);
    if (record == null) {
      record = new dev.caravan.cluster.structs.PeriodicLaunch(c.parentId(), c.namespace(), 0, 0,
          List.of(), 0, 0);
    }
    if (!c.forced() && c.slot() <= record.lastSlot()) {
      return; // this slot was handled already (by this leader or a previous one)
    }
    if (c.child() != null) {
      if (tx.job(c.child().namespace(), c.child().id()) != null) {
        return;
      }
      jobRegister(tx, new Command.JobRegister(c.child(), false, 0, c.eval(), time));
    }
    tx.periodic = tx.periodic.withLaunch(key, record.with(
        new dev.caravan.cluster.structs.PeriodicLaunch.Entry(c.slot(),
            c.child() == null ? null : c.child().id(), c.child() == null,
            c.child() == null ? c.skipReason() : null, c.forced(), time),
        !c.forced(), tx.index));
  }

  private static void jobDispatch(Tx tx, Command.JobDispatch c) {
    for (Command.JobDispatch.Dispatch d : c.dispatches()) {
      Job child = d.child();
      String token = d.idempotencyToken() == null || d.idempotencyToken().isEmpty() ? null
          : PeriodicState.tokenKey(child.namespace(), child.parentId(), d.idempotencyToken());
      if (tx.job(child.namespace(), child.parentId()) == null
          || tx.job(child.namespace(), child.id()) != null
          || (token != null && tx.periodic.dispatchTokens.containsKey(token))) {
        continue;
      }
      jobRegister(tx, new Command.JobRegister(child, false, 0, d.eval(), c.time()));
      if (token != null) {
        tx.periodic = tx.periodic.withToken(token, child.id());
      }
    }
  }

  static void planApply(Tx tx, Command.PlanApply c) {
    for (Allocation stop : c.stops()) {
      Allocation have = tx.alloc(stop.id());
      if (have == null) {
        continue;
      }
      tx.putAlloc(have.toBuilder()
          .desiredStatus(stop.desiredStatus() == null ? Allocation.DESIRED_STOP : stop.desiredStatus())
          .desiredDescription(stop.desiredDescription())
          .clientStatus(stop.clientStatus() == null ? have.clientStatus() : stop.clientStatus())
          .modifyIndex(tx.index).allocModifyIndex(tx.index).modifyTime(c.time()).build());
    }
    for (Allocation p : c.placements()) {
      Allocation have = tx.alloc(p.id());
      Job shared = sharedVersion(tx, p);
      Allocation.Builder b = p.toBuilder();
      if (have != null) {
        // an in-place update: what the client reported stays the client's
        b.clientStatus(have.clientStatus()).clientDescription(have.clientDescription())
            .taskStates(have.taskStates()).deploymentStatus(have.deploymentStatus());
      }
      tx.putAlloc(b
          .job(shared)
          .createIndex(have == null ? tx.index : have.createIndex())
          .createTime(have == null ? c.time() : have.createTime())
          .modifyIndex(tx.index).allocModifyIndex(tx.index).modifyTime(c.time()).build());
    }
    java.util.Set<String> touched = new java.util.TreeSet<>();
    c.placements().forEach(a -> touched.add(StateImage.jobKey(a.namespace(), a.jobId())));
    c.stops().forEach(a -> touched.add(StateImage.jobKey(a.namespace(), a.jobId())));
    for (String key : touched) {
      int sep = key.indexOf('\0');
      tx.refreshJobStatus(key.substring(0, sep), key.substring(sep + 1));
    }
  }

  /** The stored instance of the allocation's job version, so allocations share it. */
  private static Job sharedVersion(Tx tx, Allocation a) {
    List<Job> versions = tx.versions(StateImage.jobKey(a.namespace(), a.jobId()));
    if (a.job() == null) {
      // a slim placement (the plan applier leaves the job out of the log entry): it runs the
      // job version that was the latest when the plan was made, which is still the latest
      // unless the job was registered again in between
      return versions == null ? null : versions.get(0);
    }
    if (versions != null) {
      for (Job v : versions) {
        if (v.version() == a.job().version()) {
          return v;
        }
      }
    }
    return a.job();
  }

  private static void nodeRegister(Tx tx, Command.NodeRegister c) {
    Node have = tx.nodes.get(c.node().id());
    tx.putNode(c.node().toBuilder()
        .status(Node.STATUS_READY)
        .statusUpdatedAt(c.time())
        .createIndex(have == null ? tx.index : have.createIndex())
        .modifyIndex(tx.index).build());
  }

  private static void nodeStatus(Tx tx, Command.NodeStatusUpdate c) {
    Node have = tx.nodes.get(c.nodeId());
    if (have == null) {
      return;
    }
    tx.putNode(have.toBuilder().status(c.status())
        .statusDescription(c.description()).statusUpdatedAt(c.time())
        .modifyIndex(tx.index).build());
    if (Node.STATUS_DOWN.equals(c.status())) {
      for (Allocation a : tx.allocsByNode.get(c.nodeId())) {
        if (!a.isClientTerminal()) {
          tx.putAlloc(a.toBuilder().clientStatus(Allocation.CLIENT_LOST)
              .clientDescription("node " + c.nodeId() + " is down")
              .desiredStatus(Allocation.DESIRED_STOP)
              .modifyIndex(tx.index).modifyTime(c.time()).build());
        }
      }
    }
    c.evals().forEach(e -> tx.putEval(e, c.time()));
  }

  private static void allocClientUpdate(Tx tx, Command.AllocClientUpdate c) {
    java.util.Set<String> touched = new java.util.TreeSet<>();
    for (Allocation u : c.updates()) {
      Allocation have = tx.alloc(u.id());
      if (have == null) {
        continue;
      }
      tx.putAlloc(have.toBuilder()
          .clientStatus(u.clientStatus() == null ? have.clientStatus() : u.clientStatus())
          .clientDescription(u.clientDescription())
          .taskStates(u.taskStates() == null || u.taskStates().isEmpty()
              ? have.taskStates() : u.taskStates())
          .deploymentStatus(u.deploymentStatus() == null ? have.deploymentStatus()
              : u.deploymentStatus())
          .modifyIndex(tx.index).modifyTime(c.time()).build());
      touched.add(StateImage.jobKey(have.namespace(), have.jobId()));
    }
    c.evals().forEach(e -> tx.putEval(e, c.time()));
    for (String key : touched) {
      int sep = key.indexOf('\0');
      tx.refreshJobStatus(key.substring(0, sep), key.substring(sep + 1));
    }
  }

  private static void sourceSync(Tx tx, Command.SourceSync c) {
    SourceSyncRecord r = c.record();
    List<SourceSyncRecord> have = tx.sourceSyncs.getOrDefault(r.source(), List.of());
    List<SourceSyncRecord> next = new ArrayList<>(Math.min(have.size() + 1, SourceSyncRecord.KEPT));
    next.add(r.withIndex(tx.index));
    next.addAll(have.subList(0, Math.min(have.size(), SourceSyncRecord.KEPT - 1)));
    tx.sourceSyncs = tx.sourceSyncs.plus(r.source(), Collections.unmodifiableList(next));
  }

  /**
   * One apply in progress: the image's persistent maps and indexes, replaced as objects change.
   * Every write of a job, allocation, evaluation or deployment goes through a {@code put}
   * method here, which keeps the secondary indexes in step.
   */
  static final class Tx {
    final long index;
    TreePMap<String, List<Job>> jobs;
    TreePMap<String, Allocation> allocs;
    TreePMap<String, Node> nodes;
    HashTrie<String, Evaluation> evals;
    TreePMap<String, Deployment> deployments;
    PeriodicState periodic;
    TreePMap<String, List<SourceSyncRecord>> sourceSyncs;
    TreePMap<String, GitSourceSpec> gitSources;
    AllocIndex allocsByNode;
    AllocIndex allocsByJob;
    RefIndex evalsByJob;
    RefIndex evalsByStatus;
    RefIndex deploymentsByJob;
    RefIndex childJobs;

    Tx(StateImage base, long index) {
      this.index = index;
      this.jobs = base.jobs;
      this.allocs = base.allocs;
      this.nodes = base.nodes;
      this.evals = base.evals;
      this.deployments = base.deployments;
      this.periodic = base.periodic;
      this.sourceSyncs = base.sourceSyncs;
      this.gitSources = base.gitSources;
      this.allocsByNode = base.indexes.allocsByNode();
      this.allocsByJob = base.indexes.allocsByJob();
      this.evalsByJob = base.indexes.evalsByJob();
      this.evalsByStatus = base.indexes.evalsByStatus();
      this.deploymentsByJob = base.indexes.deploymentsByJob();
      this.childJobs = base.indexes.childJobs();
    }

    /** A job's kept versions, newest first; null when absent. */
    List<Job> versions(String key) {
      return jobs.get(key);
    }

    /** The latest version of a job; null when absent. */
    Job job(String namespace, String id) {
      List<Job> versions = jobs.get(StateImage.jobKey(namespace, id));
      return versions == null ? null : versions.get(0);
    }

    void putVersions(String key, List<Job> versions) {
      List<Job> have = jobs.get(key);
      jobs = jobs.plus(key, versions);
      childJobs = childJobs.replace(have == null ? null : StateImage.parentRef(have.get(0)),
          StateImage.parentRef(versions.get(0)));
    }

    void removeJob(String key) {
      List<Job> have = jobs.get(key);
      if (have != null) {
        jobs = jobs.minus(key);
        childJobs = childJobs.replace(StateImage.parentRef(have.get(0)), null);
      }
    }

    Allocation alloc(String id) {
      return allocs.get(id);
    }

    void putAlloc(Allocation a) {
      Allocation have = allocs.get(a.id());
      allocs = allocs.plus(a.id(), a);
      allocsByNode = allocsByNode.replace(have, a);
      allocsByJob = allocsByJob.replace(have, a);
    }

    void putNode(Node n) {
      nodes = nodes.plus(n.id(), n);
    }

    Deployment deployment(String id) {
      return deployments.get(id);
    }

    void putDeployment(Deployment d) {
      Deployment have = deployments.get(d.id());
      deployments = deployments.plus(d.id(), d);
      deploymentsByJob = deploymentsByJob.replace(StateImage.jobRef(have), StateImage.jobRef(d));
    }

    void removeEval(String id) {
      Evaluation have = evals.get(id);
      if (have == null) {
        return;
      }
      evals = evals.minus(id);
      evalsByJob = evalsByJob.replace(StateImage.jobRef(have), null);
      evalsByStatus = evalsByStatus.replace(StateImage.statusRef(have), null);
    }

    void putEval(Evaluation e, long time) {
      Evaluation have = evals.get(e.id());
      Evaluation next = e.toBuilder()
          .createIndex(have == null ? index : have.createIndex())
          .createTime(have == null ? (e.createTime() == 0 ? time : e.createTime()) : have.createTime())
          .modifyIndex(index).modifyTime(time).build();
      evals = evals.plus(next.id(), next);
      evalsByJob = evalsByJob.replace(StateImage.jobRef(have), StateImage.jobRef(next));
      evalsByStatus = evalsByStatus.replace(StateImage.statusRef(have),
          StateImage.statusRef(next));
    }

    /** Job status: dead when stopped (or batch done) with nothing running, else running/pending. */
    void refreshJobStatus(String namespace, String jobId) {
      String key = StateImage.jobKey(namespace, jobId);
      List<Job> versions = jobs.get(key);
      if (versions == null) {
        return;
      }
      Job job = versions.get(0);
      boolean live = false;
      boolean any = false;
      List<Allocation> ofJob = allocsByJob.get(key);
      for (Allocation a : ofJob) {
        if (Objects.equals(a.namespace(), job.namespace())) {
          any = true;
          if (!a.isTerminal()) {
            live = true;
            break; // one live allocation decides: the rest cannot change it
          }
        }
      }
      String status = live ? Job.STATUS_RUNNING
          : job.stop() || (any && Job.TYPE_BATCH.equals(job.type())) ? Job.STATUS_DEAD
          : Job.STATUS_PENDING;
      if (!status.equals(job.status())) {
        Job updated = job.toBuilder().status(status).build();
        List<Job> copy = new ArrayList<>(versions);
        copy.set(0, updated);
        putVersions(key, Collections.unmodifiableList(copy));
        // keep allocations sharing the stored instance of their version (rare: status changes);
        // an allocation shares its job's instance only under that job's key
        for (Allocation a : ofJob) {
          if (a.job() == job) {
            putAlloc(a.toBuilder().job(updated).build());
          }
        }
      }
    }

    StateImage done() {
      return new StateImage(index, jobs, allocs, nodes, evals, deployments, periodic,
          sourceSyncs, gitSources, new StateImage.Indexes(allocsByNode, allocsByJob, evalsByJob,
              evalsByStatus, deploymentsByJob, childJobs));
    }
  }
}
