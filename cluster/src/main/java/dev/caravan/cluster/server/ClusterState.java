package dev.caravan.cluster.server;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.GitSourceSpec;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.PeriodicLaunch;
import dev.caravan.cluster.structs.SourceSyncRecord;
import java.util.List;
import java.util.Optional;

/**
 * An immutable image of the replicated state at one Raft-applied index. Readers may hold it
 * as long as they like; it never changes under them.
 */
public interface ClusterState {

  /** The index of the last command applied to this image. */
  long index();

  /** The latest version of a job, or empty. */
  Optional<Job> job(String namespace, String id);

  /** The latest version of every job, sorted by namespace and id. */
  List<Job> jobs();

  /** Every kept version of a job, newest first. */
  List<Job> jobVersions(String namespace, String id);

  Optional<Allocation> alloc(String id);

  List<Allocation> allocs();

  List<Allocation> allocsByJob(String namespace, String jobId);

  List<Allocation> allocsByNode(String nodeId);

  /**
   * {@code f} of {@link #allocsByNode}: a state may memoize it while the node's allocations are
   * unchanged, so {@code f} must be a pure function and one constant instance.
   */
  default <T> T summaryOfNode(String nodeId, java.util.function.Function<List<Allocation>, T> f) {
    return f.apply(allocsByNode(nodeId));
  }

  /**
   * A {@link #summaryOfNode} function that can also follow one allocation's change: a state
   * that memoizes it may carry the memo over to the next state with {@link #update} instead
   * of computing it again over all the node's allocations.
   *
   * @param <T> the summary, immutable
   */
  interface NodeSummary<T> extends java.util.function.Function<List<Allocation>, T> {
    /**
     * The summary after {@code before} (null: the allocation was not on the node) became
     * {@code after} (null: it left the node); must equal {@code apply} of the changed list, or
     * be null when it cannot be derived (then it is computed again when next asked for).
     */
    T update(T summary, Allocation before, Allocation after);
  }

  Optional<Node> node(String id);

  List<Node> nodes();

  /**
   * A token of the node set: the same object ({@code ==}) in two states when no node was
   * added, removed or changed between them, a different one otherwise; null when the state
   * does not track it (then nothing may be cached by it). For caches of per-node-set work.
   */
  default Object nodesToken() {
    return null;
  }

  Optional<Evaluation> eval(String id);

  List<Evaluation> evals();

  List<Evaluation> evalsByJob(String namespace, String jobId);

  Optional<Deployment> deployment(String id);

  List<Deployment> deployments();

  /** A job's deployments, newest first. */
  List<Deployment> deploymentsByJob(String namespace, String jobId);

  /** The launch record of a periodic job; empty when it never launched nor skipped a slot. */
  default Optional<PeriodicLaunch> periodicLaunch(String namespace, String jobId) {
    return Optional.empty();
  }

  /** The id of the child dispatched from {@code parentId} with {@code token}, or empty. */
  default Optional<String> dispatchedChild(String namespace, String parentId, String token) {
    return Optional.empty();
  }

  /** The latest version of every child job (periodic launch or dispatch) of a job. */
  default List<Job> childJobs(String namespace, String parentId) {
    String ns = namespace == null ? "default" : namespace;
    return jobs().stream()
        .filter(j -> parentId.equals(j.parentId()) && ns.equals(j.namespace()))
        .toList();
  }

  /** A GitOps source's recorded sync passes, newest first (at most {@link SourceSyncRecord#KEPT}). */
  default List<SourceSyncRecord> sourceSyncs(String source) {
    return List.of();
  }

  /** GitOps sources added at run time, sorted by name. */
  default List<GitSourceSpec> gitSources() {
    return List.of();
  }
}
