package dev.caravan.cluster.server;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.SourceSyncRecord;
import java.time.Duration;
import java.util.List;

/**
 * What the rest of Caravan (the HTTP API, the reconciler, the periodic launcher) may ask of
 * the local server. Writes are validated here, then proposed to Raft (forwarded to the leader
 * when this server follows); they return once the command is committed and applied locally.
 */
public interface Cluster {

  /** The latest applied image. */
  ClusterState state();

  /**
   * Blocks until the applied index exceeds {@code minIndex} or {@code maxWait} passes, then
   * returns the latest image (Nomad's blocking query).
   */
  ClusterState awaitIndex(long minIndex, Duration maxWait) throws InterruptedException;

  /** Registers a new version of a job and creates its evaluation. */
  JobRegisterResult registerJob(JobRegisterRequest request) throws ClusterException;

  /** Stops a job (keeps it as stopped) or, with {@code purge}, removes it. */
  JobRegisterResult deregisterJob(String namespace, String jobId, boolean purge)
      throws ClusterException;

  /** Registers or re-registers a client node; returns the heartbeat TTL. */
  Duration registerNode(Node node) throws ClusterException;

  /**
   * Records a heartbeat; returns the TTL until the next one is due.
   *
   * @throws ClusterException with status 404 when the node is unknown (it must register)
   */
  Duration heartbeat(String nodeId) throws ClusterException;

  /**
   * Applies what clients report of their allocations: client status and description, task
   * states, deployment health. Other fields of the given allocations are ignored.
   */
  long updateAllocsFromClient(List<Allocation> updates) throws ClusterException;

  /**
   * Appends a GitOps sync pass to its source's bounded history; returns the Raft index.
   *
   * @throws ClusterException 400 when the record has no source, 503 without a leader
   */
  default long recordSourceSync(SourceSyncRecord record) throws ClusterException {
    throw new ClusterException(501, "sync history is not supported by this cluster");
  }

  /**
   * Adds or replaces a run-time GitOps source (validated by the caller); returns the index.
   *
   * @throws ClusterException 400 without a name, 503 without a leader
   */
  default long upsertGitSource(dev.caravan.cluster.structs.GitSourceSpec source)
      throws ClusterException {
    throw new ClusterException(501, "run-time sources are not supported by this cluster");
  }

  /**
   * Removes a run-time GitOps source; returns the index.
   *
   * @throws ClusterException 404 when there is no such run-time source
   */
  default long deleteGitSource(String name) throws ClusterException {
    throw new ClusterException(501, "run-time sources are not supported by this cluster");
  }

  /**
   * Registers several jobs in order in one Raft write, each validated and checked-and-set on
   * its own: the answer has one outcome per request, in order (status 200, 400 or 409). The
   * default registers them one by one.
   *
   * @throws ClusterException 503 when the write itself fails
   */
  default List<BatchOutcome> registerJobs(List<JobRegisterRequest> requests)
      throws ClusterException {
    List<BatchOutcome> out = new java.util.ArrayList<>();
    for (JobRegisterRequest r : requests) {
      try {
        out.add(new BatchOutcome(200, null, registerJob(r)));
      } catch (ClusterException e) {
        if (e.status() != 400 && e.status() != 409) {
          throw e;
        }
        out.add(new BatchOutcome(e.status(), e.getMessage(), null));
      }
    }
    return out;
  }

  /** One job of a batch: its status, the refusal's message, or the register's result. */
  record BatchOutcome(int status, String message, JobRegisterResult result) {}

  /** True when this server leads the Raft group. */
  boolean isLeader();

  /** The leader's Raft address ({@code 127.0.0.1:4647}), or empty when there is none. */
  String leaderAddress();

  /** The Raft addresses of every voter. */
  List<String> peers();

  /** Called on the Raft applier's notifications; leader-only services start and stop here. */
  void addLeadershipListener(LeadershipListener listener);

  /** Registers a job version; {@code enforceIndex} makes it check-and-set on the modify index. */
  record JobRegisterRequest(Job job, boolean enforceIndex, long jobModifyIndex) {}

  /** The outcome of a register or deregister. */
  record JobRegisterResult(String evalId, long evalCreateIndex, long jobModifyIndex, long index) {}

  /** Leadership changes of the local server. */
  interface LeadershipListener {
    void leadershipGained();

    void leadershipLost();
  }
}
