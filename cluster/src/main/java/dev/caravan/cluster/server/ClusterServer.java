package dev.caravan.cluster.server;

import dev.caravan.cluster.deploy.DeploymentRequests;
import dev.caravan.cluster.deploy.DeploymentWatcher;
import dev.caravan.cluster.raft.ApplyReply;
import dev.caravan.cluster.raft.CaravanStateMachine;
import dev.caravan.cluster.scheduler.EvalBroker;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.DrainStrategy;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.JobDefaults;
import dev.caravan.cluster.structs.JobValidator;
import dev.caravan.cluster.structs.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Caravan server: a Ratis peer over {@link CaravanStateMachine}, plus the leader-only eval
 * broker, scheduler worker, plan applier and heartbeat tracker. Writes are validated here,
 * then proposed through a Raft client (which forwards to the leader).
 */
public final class ClusterServer implements Cluster, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterServer.class);

  static {
    // Ratis ends the whole process (System.exit) when its gRPC server cannot bind, and its
    // exit helper, once loaded, replaces the JVM's handler of uncaught exceptions with one
    // that exits too. An agent is more than its Raft server: the failure is reported to the
    // caller instead, and an uncaught exception is logged as the JVM would print it.
    org.apache.ratis.util.ExitUtils.disableSystemExit();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) ->
        LOG.error("uncaught exception in thread {}", thread.getName(), e));
  }
  /** The heartbeat TTL of dev mode. */
  public static final Duration DEFAULT_HEARTBEAT_TTL = Duration.ofSeconds(10);
  private static final RaftGroupId GROUP_ID =
      RaftGroupId.valueOf(UUID.nameUUIDFromBytes("caravan".getBytes(StandardCharsets.UTF_8)));
  private static final Duration PROPOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final long SNAPSHOT_THRESHOLD = 8192;
  /** Nomad's raft_snapshot_interval: at most one background snapshot per interval. */
  private static final Duration SNAPSHOT_INTERVAL = Duration.ofSeconds(120);

  static {
    // A Ratis follower continues every appendEntries with thenComposeAsync on the common
    // pool. With one or two cores the common pool's parallelism is 1, and CompletableFuture
    // then starts a new thread per task: a thread per replicated batch on every follower
    // (~100 a second under load, each one scheduled on a busy machine before the follower
    // can answer). Two workers avoid that; only effective if set before the pool is first
    // used, and never overrides an operator's setting.
    String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(parallelism) == null) {
      System.setProperty(parallelism,
          Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
  }
  private static final int MAX_HEARTBEATS_PER_SECOND = 50;

  private final ServerConfig cfg;
  private final Clock clock;
  private final Duration heartbeatTtl;
  private final RaftPeerId selfId;
  private final RaftGroup group;
  private final CaravanStateMachine sm = new CaravanStateMachine(SNAPSHOT_INTERVAL);
  private final RaftServer raft;
  private final RaftClient client;
  /** Identifies writes this server submits to itself as leader (Raft's retry cache key). */
  private final ClientId localClientId = ClientId.randomId();
  private final java.util.concurrent.atomic.AtomicLong localCallIds =
      new java.util.concurrent.atomic.AtomicLong();
  private final EvalBroker broker = new EvalBroker();
  private final DeploymentWatcher deploymentWatcher;
  private final Map<String, Long> heartbeatDeadlines = new ConcurrentHashMap<>();
  private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService leadershipEvents = Executors.newSingleThreadExecutor(
      r -> daemon(r, "caravan-leadership"));
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
      r -> daemon(r, "caravan-heartbeats"));
  private final DelayedEvals delayedEvals = new DelayedEvals(timers, this::now,
      this::delayedEvalDue);
  /** Heartbeats passed on by followers that bring a node back to ready (a Raft write). */
  private final ExecutorService heartbeatWrites = Executors.newSingleThreadExecutor(
      r -> daemon(r, "caravan-heartbeat-writes"));
  private final java.util.random.RandomGenerator heartbeatJitter = new java.util.SplittableRandom();
  private volatile RaftPeerId leaderId;
  private volatile boolean leader;
  private volatile SchedulerWorkers workers;
  private volatile boolean closed;
  /**
   * Set when Ratis closed this server's division by itself (its log or state machine failed):
   * writes then fail at once and reads no longer wait for entries that will never be applied
   * here, instead of each waiting out the proposal timeout.
   */
  private volatile String raftStopped;
  private final DispatchBatcher dispatches = new DispatchBatcher();
  /** Concurrent job registrations share Raft entries ({@link Command.JobRegisterBatch}). */
  private final GroupCommit<Command.JobRegister, ApplyReply.Registered> registers;
  /** The highest index this server answered a write with: its reads wait until they hold it. */
  private final java.util.concurrent.atomic.AtomicLong answeredIndex =
      new java.util.concurrent.atomic.AtomicLong();
  /** The Raft log's segment size: small, so that the segments kept in memory are small. */
  static final int LOG_SEGMENT_BYTES = 1 << 20;

  private ClusterServer(ServerConfig cfg, Duration heartbeatTtl) throws IOException {
    this.cfg = cfg;
    this.clock = cfg.clock();
    this.heartbeatTtl = heartbeatTtl;
    this.deploymentWatcher = new DeploymentWatcher(new DeploymentWatcher.Port() {
      @Override public ClusterState awaitIndex(long min, Duration wait) throws InterruptedException {
        return ClusterServer.this.awaitIndex(min, wait);
      }
      @Override public void propose(Command c) throws ClusterException {
        ClusterServer.this.propose(c);
      }
      @Override public boolean isLeader() {
        return leader && !closed;
      }
    }, clock, ClusterServer::newId);
    // One proposer per server: while its batch is in flight the next one gathers. A second
    // proposer halved the batches (1.4 against 1.1 ms of CPU per registration with three
    // servers on two cores) and so, with the CPU saturated, lengthened the waits it was meant
    // to shorten.
    this.registers = new GroupCommit<>("caravan-register-" + cfg.serverId(), 1, 128,
        PROPOSE_TIMEOUT.multipliedBy(2),
        batch -> write(batch.size() == 1 ? batch.get(0) : new Command.JobRegisterBatch(batch),
            false).registered());
    this.selfId = peerId(cfg.raftAddress());
    List<RaftPeer> peers = new ArrayList<>();
    for (String addr : cfg.peerAddresses()) {
      peers.add(RaftPeer.newBuilder().setId(peerId(addr)).setAddress(addr).build());
    }
    this.group = RaftGroup.valueOf(GROUP_ID, peers);

    RaftProperties props = new RaftProperties();
    RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
    Path raftDir = cfg.dataDir().resolve("raft");
    Files.createDirectories(raftDir);
    RaftServerConfigKeys.setStorageDir(props, List.of(raftDir.toFile()));
    GrpcConfigKeys.Server.setPort(props, port(cfg.raftAddress()));
    GrpcConfigKeys.Server.setHost(props, host(cfg.raftAddress()));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
    // A snapshot writes the whole state (10,000 jobs and 100,000 allocations: ~85 MB, ~1 s of
    // CPU): every 1,000 entries cost more than the writes themselves. Nomad's defaults: a
    // snapshot once 8192 entries are new and 120 s passed since the start or the last one
    // (SNAPSHOT_INTERVAL); a restart replays the entries after the snapshot.
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, SNAPSHOT_THRESHOLD);
    RaftServerConfigKeys.Snapshot.setCreationGap(props, 100L);
    // keep the last two (Ratis keeps all by default; each is the whole state)
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(props, 2);
    // Ratis appends a metadata entry (the commit index) to the log after every commit, which
    // doubled the entries written and replicated; it only spares a restarted server waiting
    // for the leader to learn the commit index
    RaftServerConfigKeys.Log.setLogMetadataEnabled(props, false);
    // Ratis keeps log segments in memory (by default up to six of 32 MB, 200 MB per server):
    // every entry then outlived several young collections, each of which copied it (pauses of
    // 100-250 ms with three servers in a JVM, the registrations' p99). With 1 MB segments and
    // only the open one cached, entries die young. Applied and replicated entries are only read
    // again by a follower catching up, from the segment files; an entry larger than a segment
    // is written whole (ClusterServerTest).
    RaftServerConfigKeys.Log.setSegmentSizeMax(props, SizeInBytes.valueOf(LOG_SEGMENT_BYTES));
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(props, 1);
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(props, SizeInBytes.valueOf("16MB"));
    // A lone server has nobody to wait for: a short election timeout makes it lead at once.
    // In a group, 500-1000 ms (Nomad's LAN heartbeat timeout is 1 s): a dead leader is
    // replaced in about a second, and the leader's heartbeats (every 250 ms) keep a live one.
    boolean alone = cfg.peerAddresses().size() == 1;
    RaftServerConfigKeys.Rpc.setTimeoutMin(props,
        TimeDuration.valueOf(alone ? 150 : 500, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(props,
        TimeDuration.valueOf(alone ? 300 : 1000, TimeUnit.MILLISECONDS));

    sm.onLeaderChanged((member, newLeader) -> onLeadershipThread(() -> leaderChanged(newLeader)));
    sm.onApply(this::afterApply);
    sm.onQuery(this::answerQuery);
    sm.onLeaderReady(() -> onLeadershipThread(() -> leaderChanged(selfId)));

    boolean formatted = Files.exists(raftDir.resolve(GROUP_ID.getUuid().toString()));
    this.raft = RaftServer.newBuilder().setServerId(selfId).setGroup(group).setStateMachine(sm)
        .setProperties(props)
        .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
        .build();
    RaftProperties clientProps = new RaftProperties();
    RaftConfigKeys.Rpc.setType(clientProps, SupportedRpcType.GRPC);
    // bounded: a write with no leader for ~30 s fails with 503 instead of hanging
    this.client = RaftClient.newBuilder().setProperties(clientProps).setRaftGroup(group)
        .setRetryPolicy(org.apache.ratis.retry.RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            300, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
        .build();
    // the client exists before the server starts: a lone server may lead at once, and gaining
    // leadership proposes its barrier through the client
    try {
      this.raft.start();
    } catch (IOException | RuntimeException e) {
      // a server that failed to start (its port taken, its storage unreadable) must not linger
      // half-started, answering its peers and holding threads
      try {
        close();
      } catch (IOException | RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      if (e instanceof org.apache.ratis.util.ExitUtils.ExitException) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        throw new IOException("cannot listen on the Raft address " + cfg.raftAddress() + ": "
            + cause.getMessage(), cause);
      }
      throw e;
    }
    timers.scheduleWithFixedDelay(this::checkHeartbeats, 500, 500, TimeUnit.MILLISECONDS);
    timers.scheduleWithFixedDelay(this::checkRaftRunning, 1, 1, TimeUnit.SECONDS);
    long gcEvery = EvalCollector.INTERVAL.toMillis();
    timers.scheduleWithFixedDelay(this::collectEvaluationsOnSchedule, gcEvery, gcEvery,
        TimeUnit.MILLISECONDS);
  }

  /** Starts a server with the dev heartbeat TTL. */
  public static ClusterServer start(ServerConfig cfg) throws IOException {
    return new ClusterServer(cfg, DEFAULT_HEARTBEAT_TTL);
  }

  /** Starts a server with the given heartbeat TTL. */
  public static ClusterServer start(ServerConfig cfg, Duration heartbeatTtl) throws IOException {
    return new ClusterServer(cfg, heartbeatTtl);
  }

  /**
   * Asks the local Raft server to take a snapshot now (the whole state as JSON, one file named
   * by term and index); returns the snapshot's index.
   */
  public long snapshot() throws ClusterException {
    sm.writeNextSnapshotInline();
    try {
      RaftClientReply reply = client.getSnapshotManagementApi(selfId).create(30_000);
      if (!reply.isSuccess()) {
        throw new ClusterException(503, "snapshot failed: " + reply.getException());
      }
      return reply.getLogIndex();
    } catch (IOException e) {
      throw new ClusterException(503, "snapshot failed: " + e.getMessage(), e);
    }
  }

  public ServerConfig config() {
    return cfg;
  }

  private void onLeadershipThread(Runnable r) {
    try {
      leadershipEvents.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  static RaftPeerId peerId(String address) {
    return RaftPeerId.valueOf("s" + address.replaceAll("[^A-Za-z0-9]", "_"));
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  private static String host(String address) {
    return address.substring(0, address.lastIndexOf(':'));
  }

  private long now() {
    return clock.millis() * 1_000_000L;
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  // ---- Raft plumbing ----

  /**
   * Proposes a command; returns its index once it is applied locally. On the leader the
   * request goes straight to the local Raft server; elsewhere through the asynchronous Raft
   * client, which lets concurrent proposals share the leader's log writes and replication
   * round trips (the blocking one took about twice as long per write).
   */
  long propose(Command command) throws ClusterException {
    return write(command, true).index();
  }

  /**
   * Proposes a command and returns the applying server's reply. With {@code awaitLocal}, or on
   * the leader (which answers once it applied the entry), the entry is applied here too when
   * this returns. Otherwise a follower answers from the leader's reply at once, as a Nomad
   * follower returns the leader's RPC response, instead of waiting to learn of the commit with
   * the next append and apply the entry itself (a third of a forwarded write's time under
   * load). Read-your-writes still holds: {@link #state()} waits for every index this server
   * has answered with.
   */
  private ApplyReply write(Command command, boolean awaitLocal) throws ClusterException {
    checkRaftRunning(); // a division just closed would leave this write waiting its timeout out
    String stopped = raftStopped;
    if (stopped != null) {
      throw new ClusterException(503, stopped);
    }
    Message message = sm.message(command);
    boolean appliedForgetsIt = false;
    try {
      RaftClientReply reply = proposeLocally(message);
      boolean forwarded = reply == null;
      if (forwarded) {
        reply = proposeThroughClient(message);
      }
      if (!reply.isSuccess()) {
        throw new ClusterException(503, "raft write failed: " + reply.getException());
      }
      ApplyReply applied = applyReply(reply);
      if (forwarded && !awaitLocal) {
        answeredIndex.accumulateAndGet(applied.index(), Math::max);
        appliedForgetsIt = true;
        return applied;
      }
      try {
        sm.awaitIndex(applied.index(), System.nanoTime() + PROPOSE_TIMEOUT.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClusterException(503, "interrupted", e);
      }
      return applied;
    } finally {
      if (!appliedForgetsIt) {
        sm.proposalDone(message);
      }
    }
  }

  /** The applying server's answer; one that does not read is a failed write (503). */
  private static ApplyReply applyReply(RaftClientReply reply) throws ClusterException {
    try {
      return ApplyReply.decode(reply.getMessage().getContent().toStringUtf8());
    } catch (IllegalArgumentException e) {
      throw new ClusterException(503, "raft write failed: " + e.getMessage(), e);
    }
  }

  /**
   * Submits to the local Raft server when it is the ready leader (the scheduler, the plan
   * applier, heartbeats and a third of the API writes propose there): no gRPC round trip to
   * itself. Null when this server is not the leader, so the caller goes through the client.
   * A leader that steps down with the request pending answers "not leader" although the
   * entry may still commit under the next leader: that is reported as a failure (503), never
   * resubmitted, so that a write is never applied twice.
   */
  private RaftClientReply proposeLocally(Message message) throws ClusterException {
    if (!leader) {
      return null;
    }
    RaftServer.Division division;
    try {
      division = raft.getDivision(GROUP_ID);
    } catch (IOException e) {
      return null;
    }
    if (!division.getInfo().isLeader() || !division.getInfo().isLeaderReady()) {
      return null;
    }
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(localClientId).setServerId(selfId).setGroupId(GROUP_ID)
        .setCallId(localCallIds.incrementAndGet()).setMessage(message)
        .setType(RaftClientRequest.writeRequestType())
        .setTimeoutMs(PROPOSE_TIMEOUT.toMillis()).build();
    try {
      return raft.submitClientRequestAsync(request)
          .get(PROPOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException(503, "interrupted", e);
    } catch (IOException | java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new ClusterException(503, "raft write failed: " + cause.getMessage(), cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ClusterException(503, "raft write timed out after " + PROPOSE_TIMEOUT.toSeconds()
          + " s", e);
    }
  }

  private RaftClientReply proposeThroughClient(Message message) throws ClusterException {
    try {
      return client.async().send(message)
          .get(PROPOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException(503, "interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new ClusterException(503, "no leader: " + cause.getMessage(), cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ClusterException(503, "raft write timed out after " + PROPOSE_TIMEOUT.toSeconds()
          + " s", e);
    }
  }

  /**
   * The local state, once it holds every write this server has answered for (read-your-writes
   * on a follower that answered from the leader's reply; a few milliseconds at most while the
   * follower applies the entry). Never waits on the thread that applies entries.
   */
  @Override
  public ClusterState state() {
    StateImage image = sm.image();
    long answered = answeredIndex.get();
    if (image.index() >= answered || sm.isApplierThread() || raftStopped != null) {
      return image;
    }
    try {
      return sm.awaitIndex(answered, System.nanoTime() + PROPOSE_TIMEOUT.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return sm.image();
    }
  }

  @Override
  public ClusterState awaitIndex(long minIndex, Duration maxWait) throws InterruptedException {
    ClusterState s = sm.awaitIndex(minIndex + 1, System.nanoTime() + maxWait.toNanos());
    return s.index() >= answeredIndex.get() ? s : state();
  }

  @Override
  public boolean isLeader() {
    return leader;
  }

  @Override
  public String leaderAddress() {
    RaftPeerId id = leaderId;
    if (id == null) {
      return "";
    }
    RaftPeer p = group.getPeer(id);
    return p == null ? "" : p.getAddress();
  }

  @Override
  public List<String> peers() {
    return cfg.peerAddresses();
  }

  @Override
  public void addLeadershipListener(LeadershipListener listener) {
    listeners.add(listener);
    if (leader) {
      listener.leadershipGained();
    }
  }

  // ---- jobs ----

  @Override
  public JobRegisterResult registerJob(JobRegisterRequest request) throws ClusterException {
    if (request == null || request.job() == null) {
      throw ClusterException.badRequest("job: missing job");
    }
    Job job = JobDefaults.apply(request.job());
    List<JobValidator.Violation> errors = JobValidator.validate(job);
    if (!errors.isEmpty()) {
      throw ClusterException.badRequest(errors.stream().map(Object::toString)
          .collect(Collectors.joining("; ")));
    }
    List<String> updateErrors = DeploymentRequests.validateUpdate(job);
    if (!updateErrors.isEmpty()) {
      throw ClusterException.badRequest(String.join("; ", updateErrors));
    }
    if (request.enforceIndex() && leader) {
      // a follower's image may lag: there only the re-check inside apply decides
      long have = state().job(job.namespace(), job.id()).map(Job::jobModifyIndex).orElse(0L);
      if (have != request.jobModifyIndex()) {
        throw ClusterException.conflict(casMessage(request.jobModifyIndex(), have));
      }
    }
    long now = now();
    // As Nomad: periodic and parameterized parents are never scheduled themselves, so no eval.
    Evaluation eval = job.isPeriodic() || job.isParameterized() ? null
        : newEval(job, Evaluation.TRIGGER_JOB_REGISTER, now);
    Command.JobRegister command = new Command.JobRegister(job, request.enforceIndex(),
        request.jobModifyIndex(), eval, now);
    // a register with an eval learns its outcome from that eval: it can share an entry
    ApplyReply.Registered outcome = eval == null
        ? single(write(command, false)) : registers.submit(command);
    if (!outcome.accepted()) {
      throw ClusterException.conflict(casMessage(request.jobModifyIndex(),
          outcome.jobModifyIndex()));
    }
    long index = outcome.index();
    return eval == null ? new JobRegisterResult("", 0, outcome.jobModifyIndex(), index)
        : new JobRegisterResult(eval.id(), index, outcome.jobModifyIndex(), index);
  }

  private static ApplyReply.Registered single(ApplyReply reply) throws ClusterException {
    if (reply.registered().size() != 1) {
      throw new ClusterException(503, "raft write failed: " + reply.registered().size()
          + " register outcomes in the reply for one register");
    }
    return reply.registered().get(0);
  }

  @Override
  public List<BatchOutcome> registerJobs(List<JobRegisterRequest> requests)
      throws ClusterException {
    List<BatchOutcome> out = new ArrayList<>(java.util.Collections.nCopies(requests.size(), null));
    List<Command.JobRegister> registers = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    long now = now();
    ClusterState before = state();
    for (int i = 0; i < requests.size(); i++) {
      JobRegisterRequest request = requests.get(i);
      if (request == null || request.job() == null) {
        out.set(i, new BatchOutcome(400, "job: missing job", null));
        continue;
      }
      Job job = JobDefaults.apply(request.job());
      List<JobValidator.Violation> errors = JobValidator.validate(job);
      if (!errors.isEmpty()) {
        out.set(i, new BatchOutcome(400, errors.stream().map(Object::toString)
            .collect(Collectors.joining("; ")), null));
        continue;
      }
      if (request.enforceIndex() && leader) {
        long have = before.job(job.namespace(), job.id()).map(Job::jobModifyIndex).orElse(0L);
        if (have != request.jobModifyIndex()) {
          out.set(i, new BatchOutcome(409, casMessage(request.jobModifyIndex(), have), null));
          continue;
        }
      }
      registers.add(new Command.JobRegister(job, request.enforceIndex(), request.jobModifyIndex(),
          newEval(job, Evaluation.TRIGGER_JOB_REGISTER, now), now));
      positions.add(i);
    }
    if (registers.isEmpty()) {
      return out;
    }
    long index = propose(new Command.JobRegisterBatch(registers));
    ClusterState s = state();
    for (int k = 0; k < registers.size(); k++) {
      Command.JobRegister r = registers.get(k);
      Evaluation stored = s.eval(r.eval().id()).orElse(null);
      long jmi = s.job(r.job().namespace(), r.job().id()).map(Job::jobModifyIndex).orElse(0L);
      out.set(positions.get(k), stored == null
          ? new BatchOutcome(409, casMessage(r.jobModifyIndex(), jmi), null)
          : new BatchOutcome(200, null,
              new JobRegisterResult(r.eval().id(), stored.createIndex(), jmi, index)));
    }
    return out;
  }

  private static String casMessage(long want, long have) {
    return want == 0
        ? "job already exists (enforce index 0 means it must not exist)"
        : "job modify index " + want + " does not match " + have;
  }

  private static Evaluation newEval(Job job, String trigger, long now) {
    return Evaluation.builder().id(newId()).namespace(job.namespace())
        .priority(job.priority()).type(job.type()).triggeredBy(trigger).jobId(job.id())
        .status(Evaluation.STATUS_PENDING).createTime(now).modifyTime(now).build();
  }

  @Override
  public JobRegisterResult deregisterJob(String namespace, String jobId, boolean purge)
      throws ClusterException {
    String ns = namespace == null ? "default" : namespace;
    Job job = state().job(ns, jobId)
        .orElseThrow(() -> ClusterException.notFound("job not found: " + jobId));
    long now = now();
    Evaluation eval = newEval(job, Evaluation.TRIGGER_JOB_DEREGISTER, now);
    long index = propose(new Command.JobDeregister(ns, jobId, purge, eval, now));
    ClusterState s = state();
    long evalIndex = s.eval(eval.id()).map(Evaluation::createIndex).orElse(index);
    long jmi = s.job(ns, jobId).map(Job::jobModifyIndex).orElse(index);
    return new JobRegisterResult(eval.id(), evalIndex, jmi, index);
  }

  // ---- periodic launches and dispatch ----

  @Override
  public PeriodicLaunchResult launchPeriodic(PeriodicLaunchRequest request)
      throws ClusterException {
    Command.PeriodicLaunch.Launch launch = checkLaunch(state(), request, now());
    if (launch == null) {
      return new PeriodicLaunchResult(false, null, null, 0, state().index());
    }
    return proposeLaunches(List.of(launch)).get(0);
  }

  @Override
  public List<PeriodicLaunchResult> launchPeriodic(List<PeriodicLaunchRequest> requests)
      throws ClusterException {
    ClusterState s = state();
    long now = now();
    List<Command.PeriodicLaunch.Launch> launches = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    List<PeriodicLaunchResult> results = new ArrayList<>();
    for (PeriodicLaunchRequest r : requests) {
      Command.PeriodicLaunch.Launch l = null;
      try {
        l = checkLaunch(s, r, now);
      } catch (ClusterException e) {
        LOG.warn("periodic launch of {} at {} refused: {}", r.parentId(), r.slot(), e.getMessage());
      }
      results.add(new PeriodicLaunchResult(false, null, null, 0, s.index()));
      if (l != null) {
        positions.add(results.size() - 1);
        launches.add(l);
      }
    }
    if (!launches.isEmpty()) {
      List<PeriodicLaunchResult> proposed = proposeLaunches(launches);
      for (int i = 0; i < positions.size(); i++) {
        results.set(positions.get(i), proposed.get(i));
      }
    }
    return results;
  }

  /** Validates one fire; null when it is already recorded (nothing to propose). */
  private Command.PeriodicLaunch.Launch checkLaunch(ClusterState s, PeriodicLaunchRequest request,
      long now) throws ClusterException {
    String ns = request.namespace() == null ? "default" : request.namespace();
    Job parent = s.job(ns, request.parentId())
        .orElseThrow(() -> ClusterException.notFound("job not found: " + request.parentId()));
    if (!parent.isPeriodic()) {
      throw ClusterException.badRequest("job " + parent.id() + " is not periodic");
    }
    Job child = request.child();
    if (child == null && (request.forced() || request.skipReason() == null)) {
      throw ClusterException.badRequest("periodic launch: a launch needs a child job");
    }
    if (child != null) {
      validateChild(parent, child);
    }
    if (!request.forced() && leader && s.periodicLaunch(ns, parent.id())
        .map(l -> l.lastSlot() >= request.slot()).orElse(false)) {
      return null;
    }
    Evaluation eval = child == null ? null
        : newEval(child, Evaluation.TRIGGER_PERIODIC_JOB, now);
    return new Command.PeriodicLaunch.Launch(ns, parent.id(), request.slot(), child, eval,
        request.skipReason(), request.forced());
  }

  private List<PeriodicLaunchResult> proposeLaunches(List<Command.PeriodicLaunch.Launch> launches)
      throws ClusterException {
    long index = propose(new Command.PeriodicLaunch(launches, now()));
    ClusterState s = state();
    List<PeriodicLaunchResult> out = new ArrayList<>();
    for (Command.PeriodicLaunch.Launch l : launches) {
      if (l.eval() != null) {
        out.add(s.eval(l.eval().id())
            .map(e -> new PeriodicLaunchResult(true, l.child().id(), e.id(), e.createIndex(), index))
            .orElseGet(() -> new PeriodicLaunchResult(false, l.child().id(), null, 0, index)));
      } else {
        boolean recorded = s.periodicLaunch(l.namespace(), l.parentId())
            .map(r -> r.modifyIndex() == index && r.lastSlot() == l.slot()).orElse(false);
        out.add(new PeriodicLaunchResult(recorded, null, null, 0, index));
      }
    }
    return out;
  }

  @Override
  public JobDispatchResult dispatchJob(JobDispatchRequest request) throws ClusterException {
    Job child = request == null ? null : request.child();
    if (child == null || child.parentId() == null) {
      throw ClusterException.badRequest("dispatch: missing child job or its parent ID");
    }
    Job parent = state().job(child.namespace(), child.parentId())
        .orElseThrow(() -> ClusterException.notFound("job not found: " + child.parentId()));
    if (!parent.isParameterized()) {
      throw ClusterException.badRequest("job " + parent.id() + " is not parameterized");
    }
    if (parent.stop()) {
      throw ClusterException.badRequest("job " + parent.id() + " is stopped");
    }
    validateChild(parent, child);
    String token = request.idempotencyToken();
    boolean hasToken = token != null && !token.isEmpty();
    if (hasToken) {
      String existing = state().dispatchedChild(child.namespace(), parent.id(), token).orElse(null);
      if (existing != null) {
        return existingDispatch(state(), child.namespace(), existing);
      }
    }
    Evaluation eval = newEval(child, Evaluation.TRIGGER_JOB_REGISTER, now());
    long index = dispatches.propose(new Command.JobDispatch.Dispatch(child, eval, token));
    ClusterState s = state();
    Evaluation stored = s.eval(eval.id()).orElse(null);
    if (stored != null) {
      long jobCreate = s.job(child.namespace(), child.id()).map(Job::createIndex).orElse(index);
      return new JobDispatchResult(child.id(), stored.id(), stored.createIndex(), jobCreate, index);
    }
    String existing = hasToken
        ? s.dispatchedChild(child.namespace(), parent.id(), token).orElse(null) : null;
    if (existing == null) {
      throw ClusterException.conflict("dispatched job " + child.id() + " already exists");
    }
    return existingDispatch(s, child.namespace(), existing);
  }

  /**
   * Group commit of dispatches: concurrent callers queue their dispatch; two proposer threads
   * each take what is queued (up to 256) and propose it as one {@link Command.JobDispatch}.
   */
  private final class DispatchBatcher {
    private record Pending(Command.JobDispatch.Dispatch dispatch,
        java.util.concurrent.CompletableFuture<Long> index) {}

    private final java.util.concurrent.LinkedBlockingQueue<Pending> queue =
        new java.util.concurrent.LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    private synchronized void startIfNeeded() {
      if (!threads.isEmpty()) {
        return;
      }
      for (int i = 0; i < 2; i++) {
        Thread t = new Thread(this::run, "caravan-dispatch-" + cfg.serverId() + "-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    long propose(Command.JobDispatch.Dispatch d) throws ClusterException {
      startIfNeeded();
      Pending p = new Pending(d, new java.util.concurrent.CompletableFuture<>());
      queue.add(p);
      try {
        return p.index().get(PROPOSE_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClusterException(503, "interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof ClusterException ce ? ce
            : new ClusterException(503, "dispatch failed: " + e.getCause().getMessage(), e);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new ClusterException(503, "dispatch timed out", e);
      }
    }

    private void run() {
      List<Pending> batch = new ArrayList<>();
      while (!closed) {
        try {
          batch.add(queue.take());
        } catch (InterruptedException e) {
          return;
        }
        queue.drainTo(batch, 255);
        try {
          long index = ClusterServer.this.propose(new Command.JobDispatch(
              batch.stream().map(Pending::dispatch).toList(), now()));
          batch.forEach(p -> p.index().complete(index));
        } catch (ClusterException | RuntimeException e) {
          batch.forEach(p -> p.index().completeExceptionally(e));
        }
        batch.clear();
      }
    }

    void close() {
      threads.forEach(Thread::interrupt);
      queue.forEach(p -> p.index().completeExceptionally(new ClusterException(503, "closing")));
    }
  }

  private static JobDispatchResult existingDispatch(ClusterState s, String ns, String childId) {
    Job child = s.job(ns, childId).orElse(null);
    Evaluation eval = s.evalsByJob(ns, childId).stream()
        .min(java.util.Comparator.comparingLong(Evaluation::createIndex)).orElse(null);
    return new JobDispatchResult(childId, eval == null ? "" : eval.id(),
        eval == null ? 0 : eval.createIndex(), child == null ? 0 : child.createIndex(), s.index());
  }

  private static void validateChild(Job parent, Job child) throws ClusterException {
    if (!parent.id().equals(child.parentId()) || child.id() == null
        || !child.id().startsWith(parent.id() + "/")) {
      throw ClusterException.badRequest("job " + child.id() + " is not a child of " + parent.id());
    }
    List<JobValidator.Violation> errors = JobValidator.validate(child);
    if (!errors.isEmpty()) {
      throw ClusterException.badRequest(errors.stream().map(Object::toString)
          .collect(Collectors.joining("; ")));
    }
  }

  // ---- deployments ----

  @Override
  public long promoteDeployment(String id, boolean all, List<String> groups)
      throws ClusterException {
    return propose(DeploymentRequests.promote(state(), id, all, groups, newId(), now()));
  }

  @Override
  public long pauseDeployment(String id, boolean pause) throws ClusterException {
    return proposeDeploymentUpdate(id,
        s -> DeploymentRequests.pause(s, id, pause, newId(), now()));
  }

  @Override
  public long setDeploymentAllocHealth(String id, List<String> healthy, List<String> unhealthy)
      throws ClusterException {
    return propose(DeploymentRequests.allocHealth(state(), id, healthy, unhealthy, newId(),
        now()));
  }

  @Override
  public long failDeployment(String id) throws ClusterException {
    return proposeDeploymentUpdate(id, s -> DeploymentRequests.fail(s, id, newId(), now()));
  }

  /** Deployment updates are check-and-set on the modify index: retry on a fresher image. */
  private long proposeDeploymentUpdate(String id, DeploymentCommandSource source)
      throws ClusterException {
    for (int attempt = 0; ; attempt++) {
      Command c = source.command(state());
      String wanted = ((Command.DeploymentUpdate) c).deployment().status();
      long index = propose(c);
      // not applied when the watcher wrote the deployment first (check-and-set): try again
      boolean applied = state().deployment(id)
          .map(d -> d.modifyIndex() >= index && wanted.equals(d.status())).orElse(false);
      if (applied || attempt >= 20) {
        if (!applied) {
          throw ClusterException.conflict("deployment " + id + " kept changing; try again");
        }
        return index;
      }
    }
  }

  private interface DeploymentCommandSource {
    Command command(ClusterState s) throws ClusterException;
  }

  @Override
  public JobRegisterResult revertJob(String namespace, String jobId, long version,
      Long enforcePriorVersion) throws ClusterException {
    String ns = namespace == null ? "default" : namespace;
    Command.JobRegister c = DeploymentRequests.revert(state(), ns, jobId, version,
        enforcePriorVersion, newId(), now());
    long index = propose(c);
    ClusterState s = state();
    Evaluation stored = s.eval(c.eval().id()).orElse(null);
    if (stored == null) {
      throw ClusterException.conflict("job " + jobId + " changed while reverting; try again");
    }
    long jmi = s.job(ns, jobId).map(Job::jobModifyIndex).orElse(index);
    return new JobRegisterResult(stored.id(), stored.createIndex(), jmi, index);
  }

  // ---- GitOps ----

  @Override
  public long recordSourceSync(dev.caravan.cluster.structs.SourceSyncRecord record)
      throws ClusterException {
    if (record == null || record.source().isBlank()) {
      throw ClusterException.badRequest("source sync: missing source");
    }
    return propose(new Command.SourceSync(record));
  }

  @Override
  public long upsertGitSource(dev.caravan.cluster.structs.GitSourceSpec source)
      throws ClusterException {
    if (source == null || source.name().isBlank()) {
      throw ClusterException.badRequest("source: missing name");
    }
    return propose(new Command.SourceUpsert(source));
  }

  @Override
  public long deleteGitSource(String name) throws ClusterException {
    if (state().gitSources().stream().noneMatch(s -> s.name().equals(name))) {
      throw ClusterException.notFound("source not found: " + name);
    }
    return propose(new Command.SourceDelete(name));
  }

  // ---- nodes ----

  @Override
  public Duration registerNode(Node node) throws ClusterException {
    if (node == null || node.id() == null || node.id().isBlank()) {
      throw ClusterException.badRequest("node.ID: missing node ID");
    }
    long now = now();
    propose(new Command.NodeRegister(node, now));
    proposeEvals(NodeOperations.systemJobEvals(state(), node.id(), now, ClusterServer::newId));
    return leader ? resetHeartbeat(node.id()) : askLeader(HeartbeatQuery.RESET, node.id());
  }

  /** Nomad's rate-scaled TTL: at least the minimum, ~50 heartbeats/s cluster-wide, staggered. */
  private Duration resetHeartbeat(String nodeId) {
    Duration ttl = NodeOperations.heartbeatTtl(heartbeatTtl, MAX_HEARTBEATS_PER_SECOND,
        heartbeatDeadlines.size() + 1, heartbeatJitter);
    heartbeatDeadlines.put(nodeId, clock.millis() + ttl.toMillis());
    return ttl;
  }

  private void proposeEvals(List<Evaluation> evals) throws ClusterException {
    if (!evals.isEmpty()) {
      propose(new Command.EvalUpsert(evals, now()));
    }
  }

  /**
   * Records a heartbeat where the deadlines are kept, on the leader: a follower passes it on as
   * a Raft read-only query (one round trip to the leader, nothing in the log). Only a node
   * whose status changes back to ready costs a Raft write.
   */
  @Override
  public Duration heartbeat(String nodeId) throws ClusterException {
    if (!leader) {
      return askLeader(HeartbeatQuery.HEARTBEAT, nodeId);
    }
    return heartbeatOnLeader(nodeId);
  }

  private Duration heartbeatOnLeader(String nodeId) throws ClusterException {
    Node node = state().node(nodeId)
        .orElseThrow(() -> ClusterException.notFound("node not found: " + nodeId));
    Duration ttl = resetHeartbeat(nodeId);
    if (!Node.STATUS_READY.equals(node.status())) {
      long now = now();
      propose(new Command.NodeStatusUpdate(nodeId, Node.STATUS_READY, "heartbeat",
          NodeOperations.systemJobEvals(state(), nodeId, now, ClusterServer::newId), now));
    }
    return ttl;
  }

  /** What a follower asks the leader about a node's heartbeat (a Raft query, not a write). */
  private enum HeartbeatQuery { HEARTBEAT, RESET }

  private Duration askLeader(HeartbeatQuery kind, String nodeId) throws ClusterException {
    RaftClientReply reply;
    try {
      reply = client.io().sendReadOnly(Message.valueOf(kind.name() + "\n" + nodeId));
    } catch (IOException e) {
      throw new ClusterException(503, "no leader: " + e.getMessage(), e);
    }
    if (!reply.isSuccess()) {
      throw new ClusterException(503, "heartbeat not passed to the leader: " + reply.getException());
    }
    String answer = reply.getMessage().getContent().toStringUtf8();
    int colon = answer.indexOf(':');
    if (answer.startsWith("ttl:")) {
      return Duration.ofMillis(Long.parseLong(answer.substring(4)));
    }
    int second = answer.indexOf(':', colon + 1);
    throw new ClusterException(Integer.parseInt(answer.substring(colon + 1, second)),
        answer.substring(second + 1));
  }

  /** The leader's side of {@link #askLeader}: {@code ttl:<millis>} or {@code err:<status>:<msg>}. */
  private java.util.concurrent.CompletableFuture<Message> answerQuery(Message request) {
    String text = request.getContent().toStringUtf8();
    int nl = text.indexOf('\n');
    HeartbeatQuery kind;
    try {
      kind = HeartbeatQuery.valueOf(nl < 0 ? text : text.substring(0, nl));
    } catch (IllegalArgumentException e) {
      return java.util.concurrent.CompletableFuture.completedFuture(
          Message.valueOf("err:400:unknown query"));
    }
    String nodeId = text.substring(nl + 1);
    if (kind == HeartbeatQuery.RESET) {
      return java.util.concurrent.CompletableFuture.completedFuture(
          Message.valueOf("ttl:" + resetHeartbeat(nodeId).toMillis()));
    }
    Node node = state().node(nodeId).orElse(null);
    if (node != null && Node.STATUS_READY.equals(node.status())) {
      return java.util.concurrent.CompletableFuture.completedFuture(
          Message.valueOf("ttl:" + resetHeartbeat(nodeId).toMillis()));
    }
    // a status change is a Raft write: not on Ratis' own threads
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return Message.valueOf("ttl:" + heartbeatOnLeader(nodeId).toMillis());
      } catch (ClusterException e) {
        return Message.valueOf("err:" + e.status() + ":" + e.getMessage());
      }
    }, heartbeatWrites);
  }

  // ---- node lifecycle ----

  @Override
  public long updateNodeEligibility(String nodeId, boolean eligible) throws ClusterException {
    Node node = state().node(nodeId)
        .orElseThrow(() -> ClusterException.notFound("node not found: " + nodeId));
    if (eligible && node.drainStrategy() != null) {
      throw ClusterException.badRequest(
          "Eligibility: can not set node's scheduling eligibility to eligible while it is draining");
    }
    long now = now();
    List<Evaluation> evals = eligible
        ? NodeOperations.systemJobEvals(state(), nodeId, now, ClusterServer::newId) : List.of();
    return propose(new Command.NodeEligibilityUpdate(nodeId,
        eligible ? Node.ELIGIBLE : Node.INELIGIBLE, evals, now));
  }

  @Override
  public long updateNodeDrain(String nodeId, DrainStrategy drain, boolean markEligible)
      throws ClusterException {
    Node node = state().node(nodeId)
        .orElseThrow(() -> ClusterException.notFound("node not found: " + nodeId));
    long now = now();
    if (drain == null) {
      List<Evaluation> evals = markEligible
          ? NodeOperations.systemJobEvals(state(), nodeId, now, ClusterServer::newId) : List.of();
      return propose(new Command.NodeDrainUpdate(nodeId, null, markEligible, false, evals, now));
    }
    DrainStrategy stamped = NodeOperations.stampDrain(drain, node.drainStrategy(), now);
    return propose(new Command.NodeDrainUpdate(nodeId, stamped, false, false,
        NodeOperations.jobEvalsForNode(state(), nodeId, now, ClusterServer::newId), now));
  }

  /** Leader: completes drains with nothing left and stops what remains at the deadline. */
  private void checkDrains() {
    long now = now();
    for (Node n : state().nodes()) {
      if (n.drainStrategy() == null || !leader || closed) {
        continue;
      }
      try {
        List<Allocation> remaining = NodeOperations.remainingOnDrainingNode(state(), n);
        if (remaining.isEmpty()) {
          LOG.info("node {} drain complete", n.id());
          propose(new Command.NodeDrainUpdate(n.id(), null, false, true, List.of(), now));
        } else if (n.drainStrategy().forceDeadline() > 0 && now >= n.drainStrategy().forceDeadline()) {
          List<Allocation> stops = new ArrayList<>();
          for (Allocation a : remaining) {
            stops.add(a.toBuilder().desiredStatus(Allocation.DESIRED_STOP)
                .desiredDescription("alloc stopped: node drain deadline reached").build());
          }
          propose(new Command.PlanApply(null, List.of(), stops, now));
          proposeEvals(NodeOperations.jobEvals(remaining, n.id(), now, ClusterServer::newId));
        }
      } catch (ClusterException e) {
        LOG.warn("drain of node {}: {}", n.id(), e.getMessage());
      }
    }
  }

  @Override
  public RaftConfiguration raftConfiguration() {
    return NodeOperations.raftConfiguration(raft, GROUP_ID, leaderId);
  }

  private void checkHeartbeats() {
    if (!leader || closed) {
      return;
    }
    checkDrains();
    long nowMillis = clock.millis();
    for (Map.Entry<String, Long> e : heartbeatDeadlines.entrySet()) {
      if (e.getValue() > nowMillis) {
        continue;
      }
      String nodeId = e.getKey();
      heartbeatDeadlines.remove(nodeId, e.getValue());
      Node node = state().node(nodeId).orElse(null);
      if (node == null || Node.STATUS_DOWN.equals(node.status())) {
        continue;
      }
      try {
        long now = now();
        List<Evaluation> evals = new ArrayList<>();
        Set<String> jobs = new LinkedHashSet<>();
        for (Allocation a : state().allocsByNode(nodeId)) {
          if (!a.isTerminal() && jobs.add(a.namespace() + '\0' + a.jobId()) && a.job() != null) {
            evals.add(newEval(a.job(), Evaluation.TRIGGER_NODE_UPDATE, now).toBuilder()
                .nodeId(nodeId).build());
          }
        }
        LOG.info("node {} missed its heartbeat; marking it down", nodeId);
        propose(new Command.NodeStatusUpdate(nodeId, Node.STATUS_DOWN, "missed heartbeats",
            evals, now));
      } catch (ClusterException ex) {
        LOG.warn("could not mark node {} down: {}", nodeId, ex.getMessage());
      }
    }
  }

  // ---- allocations from clients ----

  @Override
  public long updateAllocsFromClient(List<Allocation> updates) throws ClusterException {
    ClusterState s = state();
    List<Allocation> slim = new ArrayList<>();
    List<Evaluation> evals = new ArrayList<>();
    long now = now();
    Set<String> jobs = new LinkedHashSet<>();
    for (Allocation u : updates) {
      Allocation have = s.alloc(u.id()).orElse(null);
      if (have == null) {
        continue;
      }
      slim.add(Allocation.builder().id(u.id()).namespace(have.namespace()).jobId(have.jobId())
          .clientStatus(u.clientStatus()).clientDescription(u.clientDescription())
          .taskStates(u.taskStates()).deploymentStatus(u.deploymentStatus()).build());
      if (Allocation.CLIENT_FAILED.equals(u.clientStatus()) && !have.isServerTerminal()
          && have.job() != null && jobs.add(have.namespace() + '\0' + have.jobId())) {
        evals.add(newEval(have.job(), Evaluation.TRIGGER_ALLOC_FAILURE, now));
      }
    }
    if (slim.isEmpty()) {
      return s.index();
    }
    return propose(new Command.AllocClientUpdate(slim, evals, now));
  }

  // ---- leader-only services ----

  private void leaderChanged(RaftPeerId newLeader) {
    leaderId = newLeader;
    boolean nowLeader = selfId.equals(newLeader);
    if (nowLeader == leader) {
      return;
    }
    if (nowLeader) {
      gainLeadership();
    } else {
      loseLeadership();
    }
  }

  private void gainLeadership() {
    try {
      // barrier: everything committed before our term is applied locally after this
      propose(new Command.EvalUpsert(List.of(), now()));
    } catch (ClusterException e) {
      LOG.warn("leadership barrier failed: {}", e.getMessage());
      return;
    }
    synchronized (leadershipLock) {
      // closed (or its Raft server stopped) while the barrier was proposed: workers started
      // now would outlive the server
      if (closed || raftStopped != null) {
        return;
      }
      startLeading();
    }
    if (closed) {
      return;
    }
    for (LeadershipListener l : listeners) {
      try {
        l.leadershipGained();
      } catch (RuntimeException e) {
        LOG.warn("leadership listener failed", e);
      }
    }
  }

  /** Guards starting and stopping the leader's work against a close in between. */
  private final Object leadershipLock = new Object();

  private void startLeading() {
    leader = true;
    broker.setEnabled(true);
    // every node gets the longest TTL it may have been given, plus the minimum, to reach us
    long base = Math.max(heartbeatTtl.toMillis(),
        (long) state().nodes().size() * 1_000 / MAX_HEARTBEATS_PER_SECOND);
    long deadline = clock.millis() + 2 * base + heartbeatTtl.toMillis();
    for (Node n : state().nodes()) {
      if (!Node.STATUS_DOWN.equals(n.status())) {
        heartbeatDeadlines.putIfAbsent(n.id(), deadline);
      }
    }
    for (Evaluation e : state().evals()) {
      if (Evaluation.STATUS_PENDING.equals(e.status())) {
        enqueueWhenDue(e);
      }
    }
    workers = SchedulerWorkers.start(broker, new SchedulerPort(), ClusterServer::newId, clock,
        cfg.serverId(), SchedulerWorkers.defaultWorkers());
    deploymentWatcher.start(cfg.serverId());
  }

  private void loseLeadership() {
    loseLeadershipQuietly();
    heartbeatDeadlines.clear();
    for (LeadershipListener l : listeners) {
      try {
        l.leadershipLost();
      } catch (RuntimeException e) {
        LOG.warn("leadership listener failed", e);
      }
    }
  }

  /**
   * On the leader, removes the evaluations {@link EvalCollector} finds done with as of now:
   * terminal, last modified at least {@code threshold} ago ({@code batchThreshold} for a batch
   * job still registered), with no allocation still wanted. Written in entries of at most 1,000
   * ids. Returns how many were removed; 0 on a server that does not lead.
   */
  public int collectEvaluations(Duration threshold, Duration batchThreshold)
      throws ClusterException {
    if (!leader) {
      return 0;
    }
    List<String> ids = EvalCollector.collectable(state(), now(), threshold, batchThreshold);
    for (int i = 0; i < ids.size(); i += 1_000) {
      propose(new Command.EvalReap(ids.subList(i, Math.min(ids.size(), i + 1_000))));
    }
    return ids.size();
  }

  /** Every {@link EvalCollector#INTERVAL} with Nomad's thresholds, as Nomad's eval GC runs. */
  private void collectEvaluationsOnSchedule() {
    if (!leader || closed) {
      return;
    }
    try {
      int removed = collectEvaluations(EvalCollector.THRESHOLD, EvalCollector.BATCH_THRESHOLD);
      if (removed > 0) {
        LOG.info("removed {} evaluations done with for at least {}", removed,
            EvalCollector.THRESHOLD);
      }
    } catch (ClusterException | RuntimeException e) {
      LOG.warn("evaluation collection failed: {}", e.getMessage());
    }
  }

  /** A pending evaluation to the broker, or held until its {@code WaitUntil}. */
  private void enqueueWhenDue(Evaluation e) {
    if (!delayedEvals.hold(e)) {
      broker.enqueue(e);
    }
  }

  /** A held evaluation came due: it goes to the broker if it is still pending. */
  private void delayedEvalDue(String id) {
    if (leader) {
      state().eval(id).filter(x -> Evaluation.STATUS_PENDING.equals(x.status()))
          .ifPresent(broker::enqueue);
    }
  }

  /** Feeds the broker from what was applied (on every server; the broker is off on followers). */
  private void afterApply(Command command, StateImage image) {
    if (!leader) {
      return;
    }
    List<Evaluation> evals = switch (command.typeCode()) {
      case Command.JobRegister.CODE -> {
        Evaluation e = ((Command.JobRegister) command).eval();
        yield e == null ? List.of() : List.of(e);
      }
      case Command.JobDeregister.CODE -> {
        Evaluation e = ((Command.JobDeregister) command).eval();
        yield e == null ? List.of() : List.of(e);
      }
      case Command.EvalUpsert.CODE -> ((Command.EvalUpsert) command).evals();
      case Command.NodeEligibilityUpdate.CODE -> ((Command.NodeEligibilityUpdate) command).evals();
      case Command.NodeDrainUpdate.CODE -> ((Command.NodeDrainUpdate) command).evals();
      case Command.JobRegisterBatch.CODE -> ((Command.JobRegisterBatch) command).registers()
          .stream().map(Command.JobRegister::eval).filter(java.util.Objects::nonNull).toList();
      case Command.NodeStatusUpdate.CODE -> ((Command.NodeStatusUpdate) command).evals();
      case Command.AllocClientUpdate.CODE -> ((Command.AllocClientUpdate) command).evals();
      case Command.DeploymentUpdate.CODE -> deploymentEvals((Command.DeploymentUpdate) command);
      case Command.DeploymentPromote.CODE -> {
        Evaluation e = ((Command.DeploymentPromote) command).eval();
        yield e == null ? List.of() : List.of(e);
      }
      case Command.PeriodicLaunch.CODE -> ((Command.PeriodicLaunch) command).launches().stream()
          .map(Command.PeriodicLaunch.Launch::eval).filter(java.util.Objects::nonNull).toList();
      case Command.JobDispatch.CODE -> ((Command.JobDispatch) command).dispatches().stream()
          .map(Command.JobDispatch.Dispatch::eval).toList();
      case Command.DeploymentAllocHealth.CODE -> {
        Evaluation e = ((Command.DeploymentAllocHealth) command).eval();
        yield e == null ? List.of() : List.of(e);
      }
      default -> List.of();
    };
    for (Evaluation e : evals) {
      image.eval(e.id()).filter(x -> Evaluation.STATUS_PENDING.equals(x.status()))
          .ifPresent(this::enqueueWhenDue);
    }
    boolean unblock = command.typeCode() == Command.NodeRegister.CODE
        || (command.typeCode() == Command.NodeEligibilityUpdate.CODE
            && Node.ELIGIBLE.equals(((Command.NodeEligibilityUpdate) command).eligibility()))
        || (command.typeCode() == Command.NodeDrainUpdate.CODE
            && ((Command.NodeDrainUpdate) command).markEligible())
        || (command.typeCode() == Command.PlanApply.CODE
            && !((Command.PlanApply) command).stops().isEmpty())
        || (command.typeCode() == Command.NodeStatusUpdate.CODE
            && Node.STATUS_READY.equals(((Command.NodeStatusUpdate) command).status()))
        || (command.typeCode() == Command.AllocClientUpdate.CODE
            && ((Command.AllocClientUpdate) command).updates().stream()
                .anyMatch(Allocation::isClientTerminal));
    if (unblock) {
      for (Evaluation e : image.evalsWithStatus(Evaluation.STATUS_BLOCKED)) {
        broker.enqueue(e);
      }
    }
  }

  private static List<Evaluation> deploymentEvals(Command.DeploymentUpdate c) {
    List<Evaluation> out = new ArrayList<>();
    if (c.eval() != null) {
      out.add(c.eval());
    }
    if (c.revert() != null && c.revert().eval() != null) {
      out.add(c.revert().eval());
    }
    return out;
  }

  /** What the scheduler workers and the plan applier use of this server. */
  private final class SchedulerPort implements PlanApplier.Port {
    @Override public ClusterState state() {
      return ClusterServer.this.state();
    }

    @Override public long propose(Command command) throws ClusterException {
      return ClusterServer.this.propose(command);
    }

    @Override public long now() {
      return ClusterServer.this.now();
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    sm.stopWaiting();
    dispatches.close();
    registers.close();
    loseLeadershipQuietly();
    timers.shutdownNow();
    heartbeatWrites.shutdownNow();
    leadershipEvents.shutdownNow();
    try {
      client.close();
    } finally {
      closeRaftWithin(RAFT_CLOSE_LIMIT);
    }
  }

  /**
   * How long closing waits for the Raft server: past its state machine's last snapshot (up to
   * 60 s), a Ratis close that never returns (its gRPC server waits for calls without a limit)
   * must not hold the agent's shutdown, or a caller, for good.
   */
  private static final Duration RAFT_CLOSE_LIMIT = Duration.ofSeconds(90);

  private void closeRaftWithin(Duration limit) throws IOException {
    java.util.concurrent.CompletableFuture<Void> done =
        new java.util.concurrent.CompletableFuture<>();
    Thread closer = daemon(() -> {
      try {
        raft.close();
        done.complete(null);
      } catch (IOException | RuntimeException e) {
        done.completeExceptionally(e);
      }
    }, "caravan-raft-close-" + cfg.serverId());
    closer.start();
    try {
      done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.error("the Raft server {} did not close within {} s; left closing in the background",
          selfId, limit.toSeconds());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("closing the Raft server failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Ratis closes a division by itself, leaving the process up, when its log cannot be written or
   * its state machine throws. Such a server cannot serve any more: it says so once, loudly,
   * gives up leadership work, and fails writes at once (an operator restarts it; its log and
   * snapshots are intact).
   */
  private void checkRaftRunning() {
    if (closed || raftStopped != null) {
      return;
    }
    org.apache.ratis.util.LifeCycle.State state;
    try {
      state = raftDivision().getInfo().getLifeCycleState();
    } catch (IOException e) {
      state = null;
    }
    if (closed || (state != null && !state.isClosingOrClosed()
        && state != org.apache.ratis.util.LifeCycle.State.EXCEPTION)) {
      return;
    }
    raftStopped = "raft server " + selfId + " stopped (" + (state == null ? "no division"
        : state) + "): restart this server";
    LOG.error("{}; see the Raft errors logged before", raftStopped);
    loseLeadershipQuietly();
    sm.stopWaiting();
  }

  /** This server's Raft division (tests close it as Ratis does after a log failure). */
  RaftServer.Division raftDivision() throws IOException {
    return raft.getDivision(GROUP_ID);
  }

  private void loseLeadershipQuietly() {
    SchedulerWorkers w;
    synchronized (leadershipLock) {
      leader = false;
      broker.setEnabled(false);
      delayedEvals.clear();
      deploymentWatcher.stop();
      w = workers;
      workers = null;
    }
    if (w != null) {
      w.stop();
    }
  }
}
