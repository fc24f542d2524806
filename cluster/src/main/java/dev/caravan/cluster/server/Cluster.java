package dev.caravan.cluster.server;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.DrainStrategy;
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

  /**
   * Records one fire of a periodic job through Raft, checked and applied atomically: launches
   * {@code child} (registering it and its evaluation) or, without a child, records a skip. A
   * slot is handled at most once whichever leader proposes it: a slot not after the parent's
   * recorded last slot answers {@code applied == false} and changes nothing. A forced launch
   * ({@code caravan job periodic force}) is exempt from that check and does not move the slot.
   *
   * @throws ClusterException 404 when the parent is unknown, 400 when it is not periodic or the
   *     child is not one of its children or does not validate, 503 without a leader
   */
  default PeriodicLaunchResult launchPeriodic(PeriodicLaunchRequest request)
      throws ClusterException {
    throw new ClusterException(501, "periodic launches are not supported by this cluster");
  }

  /**
   * {@link #launchPeriodic(PeriodicLaunchRequest)} for fires proposed together (one Raft entry);
   * a fire that does not validate is left out (logged) and answers {@code applied == false}.
   *
   * @return one result per request, in order
   */
  default List<PeriodicLaunchResult> launchPeriodic(List<PeriodicLaunchRequest> requests)
      throws ClusterException {
    List<PeriodicLaunchResult> out = new java.util.ArrayList<>();
    for (PeriodicLaunchRequest r : requests) {
      out.add(launchPeriodic(r));
    }
    return out;
  }

  /**
   * Registers a dispatched child of a parameterized job and its evaluation. With an idempotency
   * token already used for this parent, nothing is registered and the existing child answers.
   *
   * @throws ClusterException 404 when the parent is unknown, 400 when it is not parameterized
   *     or the child does not validate, 503 without a leader
   */
  default JobDispatchResult dispatchJob(JobDispatchRequest request) throws ClusterException {
    throw new ClusterException(501, "dispatch is not supported by this cluster");
  }

  /**
   * One fire of a periodic job.
   *
   * @param slot the scheduled fire time in unix seconds (forced: the time of the force)
   * @param child the child job to launch; null to record a skip
   * @param skipReason why the slot is skipped (null when launching)
   */
  record PeriodicLaunchRequest(String namespace, String parentId, long slot, Job child,
      String skipReason, boolean forced) {}

  /** Whether the fire was recorded; for a launch, the child and its evaluation. */
  record PeriodicLaunchResult(boolean applied, String childId, String evalId,
      long evalCreateIndex, long index) {}

  /** A dispatched child (derived from its parameterized parent) and the caller's token. */
  record JobDispatchRequest(Job child, String idempotencyToken) {}

  /** Nomad's dispatch response. */
  record JobDispatchResult(String dispatchedJobId, String evalId, long evalCreateIndex,
      long jobCreateIndex, long index) {}

  // ---- deployments (defaults so that other implementations need not know them) ----

  /** Promotes the canaries of every group ({@code all}) or of the named groups; returns the index. */
  default long promoteDeployment(String deploymentId, boolean all, List<String> groups)
      throws ClusterException {
    throw new ClusterException(501, "deployments are not supported here");
  }

  /** Pauses ({@code pause}) or resumes a deployment; returns the index. */
  default long pauseDeployment(String deploymentId, boolean pause) throws ClusterException {
    throw new ClusterException(501, "deployments are not supported here");
  }

  /** Sets allocations of a deployment healthy or unhealthy by hand; returns the index. */
  default long setDeploymentAllocHealth(String deploymentId, List<String> healthy,
      List<String> unhealthy) throws ClusterException {
    throw new ClusterException(501, "deployments are not supported here");
  }

  /** Marks a deployment failed (auto-reverting when its groups say so); returns the index. */
  default long failDeployment(String deploymentId) throws ClusterException {
    throw new ClusterException(501, "deployments are not supported here");
  }

  /**
   * Registers a kept older version of a job as its newest version; with
   * {@code enforcePriorVersion} the current version must be that one.
   */
  default JobRegisterResult revertJob(String namespace, String jobId, long version,
      Long enforcePriorVersion) throws ClusterException {
    throw new ClusterException(501, "job revert is not supported here");
  }

  /**
   * Sets a node's scheduling eligibility; returns the Raft index.
   *
   * @throws ClusterException 404 for an unknown node, 400 when making a draining node eligible
   */
  default long updateNodeEligibility(String nodeId, boolean eligible) throws ClusterException {
    throw new ClusterException(501, "node eligibility is not supported here");
  }

  /**
   * Starts or updates ({@code drain} non-null) or cancels ({@code drain} null, then
   * {@code markEligible} makes the node eligible again) a node's drain; returns the Raft index.
   * A negative deadline stops everything at once, zero waits for migrations without a deadline.
   *
   * @throws ClusterException 404 for an unknown node
   */
  default long updateNodeDrain(String nodeId, DrainStrategy drain, boolean markEligible)
      throws ClusterException {
    throw new ClusterException(501, "node drain is not supported here");
  }

  /** The Raft servers as Nomad's {@code /v1/operator/raft/configuration} lists them. */
  default RaftConfiguration raftConfiguration() {
    return new RaftConfiguration(List.of(), 0);
  }

  /** One voter of the Raft group, Nomad's {@code RaftServer}. */
  record RaftMember(String id, String node, String address, boolean leader, boolean voter,
      String raftProtocol, String status) {}

  /** Nomad's {@code RaftConfigurationResponse}: the voters and the configuration's index. */
  record RaftConfiguration(List<RaftMember> servers, long index) {}

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
