package dev.caravan.cluster.state;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.GitSourceSpec;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.SourceSyncRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

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
      case Command.PlanApply.CODE -> planApply(tx, (Command.PlanApply) command);
      case Command.NodeRegister.CODE -> nodeRegister(tx, (Command.NodeRegister) command);
      case Command.NodeStatusUpdate.CODE -> nodeStatus(tx, (Command.NodeStatusUpdate) command);
      case Command.AllocClientUpdate.CODE ->
          allocClientUpdate(tx, (Command.AllocClientUpdate) command);
      case Command.SourceSync.CODE -> sourceSync(tx, (Command.SourceSync) command);
      case Command.JobRegisterBatch.CODE ->
          ((Command.JobRegisterBatch) command).registers().forEach(r -> jobRegister(tx, r));
      case Command.SourceUpsert.CODE -> {
        Command.SourceUpsert c = (Command.SourceUpsert) command;
        tx.gitSources = new TreeMap<>(tx.base.gitSources);
        tx.gitSources.put(c.source().name(), c.source().withModifyIndex(tx.index));
      }
      case Command.SourceDelete.CODE -> {
        tx.gitSources = new TreeMap<>(tx.base.gitSources);
        tx.gitSources.remove(((Command.SourceDelete) command).name());
      }
      default -> { } // unknown commands only take the index
    }
    return tx.done();
  }

  /** True when two versions of a job have the same spec (ignoring bookkeeping fields). */
  public static boolean sameSpec(Job a, Job b) {
    return a.spec().equals(b.spec());
  }

  private static void jobRegister(Tx tx, Command.JobRegister c) {
    Job job = c.job();
    String key = StateImage.jobKey(job.namespace(), job.id());
    List<Job> versions = tx.jobs().get(key);
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
      tx.jobs().put(key, Collections.unmodifiableList(copy));
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
      tx.jobs().put(key, Collections.unmodifiableList(copy));
    }
    if (c.eval() != null) {
      tx.putEval(c.eval().toBuilder().jobModifyIndex(next.jobModifyIndex()).build(),
          c.submitTime());
    }
    tx.refreshJobStatus(job.namespace(), job.id());
  }

  private static void jobDeregister(Tx tx, Command.JobDeregister c) {
    String key = StateImage.jobKey(c.namespace(), c.jobId());
    List<Job> versions = tx.jobs().get(key);
    if (versions == null) {
      return;
    }
    if (c.purge()) {
      tx.jobs().remove(key);
    } else {
      Job stopped = versions.get(0).toBuilder().stop(true).version(versions.get(0).version() + 1)
          .modifyIndex(tx.index).jobModifyIndex(tx.index).submitTime(c.time()).build();
      List<Job> copy = new ArrayList<>();
      copy.add(stopped);
      copy.addAll(versions.subList(0, Math.min(versions.size(), StateImage.KEPT_VERSIONS - 1)));
      tx.jobs().put(key, Collections.unmodifiableList(copy));
      tx.refreshJobStatus(c.namespace(), c.jobId());
    }
    if (c.eval() != null) {
      tx.putEval(c.eval(), c.time());
    }
  }

  private static void planApply(Tx tx, Command.PlanApply c) {
    for (Allocation stop : c.stops()) {
      Allocation have = tx.allocs().get(stop.id());
      if (have == null) {
        continue;
      }
      tx.allocs().put(have.id(), have.toBuilder()
          .desiredStatus(stop.desiredStatus() == null ? Allocation.DESIRED_STOP : stop.desiredStatus())
          .desiredDescription(stop.desiredDescription())
          .clientStatus(stop.clientStatus() == null ? have.clientStatus() : stop.clientStatus())
          .modifyIndex(tx.index).allocModifyIndex(tx.index).modifyTime(c.time()).build());
    }
    for (Allocation p : c.placements()) {
      Allocation have = tx.allocs().get(p.id());
      Job shared = sharedVersion(tx, p);
      Allocation.Builder b = p.toBuilder();
      if (have != null) {
        // an in-place update: what the client reported stays the client's
        b.clientStatus(have.clientStatus()).clientDescription(have.clientDescription())
            .taskStates(have.taskStates()).deploymentStatus(have.deploymentStatus());
      }
      tx.allocs().put(p.id(), b
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
    if (a.job() == null) {
      return null;
    }
    List<Job> versions = tx.jobs().get(StateImage.jobKey(a.namespace(), a.jobId()));
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
    Node have = tx.nodes().get(c.node().id());
    tx.nodes().put(c.node().id(), c.node().toBuilder()
        .status(Node.STATUS_READY)
        .statusUpdatedAt(c.time())
        .createIndex(have == null ? tx.index : have.createIndex())
        .modifyIndex(tx.index).build());
  }

  private static void nodeStatus(Tx tx, Command.NodeStatusUpdate c) {
    Node have = tx.nodes().get(c.nodeId());
    if (have == null) {
      return;
    }
    tx.nodes().put(have.id(), have.toBuilder().status(c.status())
        .statusDescription(c.description()).statusUpdatedAt(c.time())
        .modifyIndex(tx.index).build());
    if (Node.STATUS_DOWN.equals(c.status())) {
      for (Allocation a : new ArrayList<>(tx.allocs().values())) {
        if (c.nodeId().equals(a.nodeId()) && !a.isClientTerminal()) {
          tx.allocs().put(a.id(), a.toBuilder().clientStatus(Allocation.CLIENT_LOST)
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
      Allocation have = tx.allocs().get(u.id());
      if (have == null) {
        continue;
      }
      tx.allocs().put(have.id(), have.toBuilder()
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
    List<SourceSyncRecord> have = tx.base.sourceSyncs.getOrDefault(r.source(), List.of());
    List<SourceSyncRecord> next = new ArrayList<>(Math.min(have.size() + 1, SourceSyncRecord.KEPT));
    next.add(r.withIndex(tx.index));
    next.addAll(have.subList(0, Math.min(have.size(), SourceSyncRecord.KEPT - 1)));
    tx.sourceSyncs = new TreeMap<>(tx.base.sourceSyncs);
    tx.sourceSyncs.put(r.source(), Collections.unmodifiableList(next));
  }

  /** Copy-on-write bookkeeping for one apply. */
  private static final class Tx {
    final StateImage base;
    final long index;
    TreeMap<String, List<Job>> jobs;
    TreeMap<String, Allocation> allocs;
    TreeMap<String, Node> nodes;
    TreeMap<String, Evaluation> evals;
    TreeMap<String, List<SourceSyncRecord>> sourceSyncs;
    TreeMap<String, GitSourceSpec> gitSources;

    Tx(StateImage base, long index) {
      this.base = base;
      this.index = index;
    }

    TreeMap<String, List<Job>> jobs() {
      if (jobs == null) {
        jobs = new TreeMap<>(base.jobs);
      }
      return jobs;
    }

    TreeMap<String, Allocation> allocs() {
      if (allocs == null) {
        allocs = new TreeMap<>(base.allocs);
      }
      return allocs;
    }

    TreeMap<String, Node> nodes() {
      if (nodes == null) {
        nodes = new TreeMap<>(base.nodes);
      }
      return nodes;
    }

    TreeMap<String, Evaluation> evals() {
      if (evals == null) {
        evals = new TreeMap<>(base.evals);
      }
      return evals;
    }

    void putEval(Evaluation e, long time) {
      Evaluation have = evals().get(e.id());
      evals().put(e.id(), e.toBuilder()
          .createIndex(have == null ? index : have.createIndex())
          .createTime(have == null ? (e.createTime() == 0 ? time : e.createTime()) : have.createTime())
          .modifyIndex(index).modifyTime(time).build());
    }

    /** Job status: dead when stopped (or batch done) with nothing running, else running/pending. */
    void refreshJobStatus(String namespace, String jobId) {
      String key = StateImage.jobKey(namespace, jobId);
      List<Job> versions = jobs().get(key);
      if (versions == null) {
        return;
      }
      Job job = versions.get(0);
      boolean live = false;
      boolean any = false;
      for (Allocation a : allocs == null ? base.allocs.values() : allocs.values()) {
        if (a.jobId().equals(jobId) && Objects.equals(a.namespace(), job.namespace())) {
          any = true;
          if (!a.isTerminal()) {
            live = true;
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
        jobs().put(key, Collections.unmodifiableList(copy));
        // keep allocations sharing the stored instance of their version (rare: status changes)
        for (Allocation a : new ArrayList<>(allocs().values())) {
          if (a.job() == job) {
            allocs().put(a.id(), a.toBuilder().job(updated).build());
          }
        }
      }
    }

    StateImage done() {
      return new StateImage(index,
          jobs == null ? base.jobs : jobs,
          allocs == null ? base.allocs : allocs,
          nodes == null ? base.nodes : nodes,
          evals == null ? base.evals : evals,
          base.deployments,
          sourceSyncs == null ? base.sourceSyncs : sourceSyncs,
          gitSources == null ? base.gitSources : gitSources);
    }
  }
}
