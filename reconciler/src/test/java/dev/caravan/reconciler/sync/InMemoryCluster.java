package dev.caravan.reconciler.sync;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.JobDefaults;
import dev.caravan.cluster.structs.JobValidator;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.SourceSyncRecord;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A one-server cluster without Raft: the real apply switch over an in-memory image, with the
 * server's register validation and check-and-set. {@link #beforeNextRegister} lets a test
 * change the state between the syncer's read and its write.
 */
final class InMemoryCluster implements Cluster {
  private StateImage image = StateImage.EMPTY;
  private Runnable beforeNextRegister;
  int registers;

  synchronized StateImage apply(Command c) {
    image = StateMachineCore.apply(image, image.index() + 1, c);
    notifyAll();
    return image;
  }

  void beforeNextRegister(Runnable r) {
    beforeNextRegister = r;
  }

  /** What {@code nomad job run} through the API does: no check-and-set. */
  void apiRegister(Job job) throws ClusterException {
    registerJob(new JobRegisterRequest(job, false, 0));
  }

  @Override
  public synchronized ClusterState state() {
    return image;
  }

  @Override
  public synchronized ClusterState awaitIndex(long minIndex, Duration maxWait)
      throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (image.index() <= minIndex && System.nanoTime() < deadline) {
      wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    return image;
  }

  @Override
  public JobRegisterResult registerJob(JobRegisterRequest request) throws ClusterException {
    Runnable hook = beforeNextRegister;
    beforeNextRegister = null;
    if (hook != null) {
      hook.run();
    }
    Job job = JobDefaults.apply(request.job());
    List<JobValidator.Violation> errors = JobValidator.validate(job);
    if (!errors.isEmpty()) {
      throw ClusterException.badRequest(errors.stream().map(Object::toString)
          .collect(Collectors.joining("; ")));
    }
    synchronized (this) {
      long have = image.job(job.namespace(), job.id()).map(Job::jobModifyIndex).orElse(0L);
      if (request.enforceIndex() && have != request.jobModifyIndex()) {
        throw ClusterException.conflict("job modify index " + request.jobModifyIndex()
            + " does not match " + have);
      }
      registers++;
      apply(new Command.JobRegister(job, request.enforceIndex(), request.jobModifyIndex(), null,
          1_000L));
      Job stored = image.job(job.namespace(), job.id()).orElseThrow();
      return new JobRegisterResult("eval", image.index(), stored.jobModifyIndex(), image.index());
    }
  }

  @Override
  public synchronized JobRegisterResult deregisterJob(String namespace, String jobId,
      boolean purge) throws ClusterException {
    if (image.job(namespace, jobId).isEmpty()) {
      throw ClusterException.notFound("job not found: " + jobId);
    }
    apply(new Command.JobDeregister(namespace, jobId, purge, null, 2_000L));
    return new JobRegisterResult("eval", image.index(), image.index(), image.index());
  }

  @Override
  public synchronized long recordSourceSync(SourceSyncRecord record) {
    return apply(new Command.SourceSync(record)).index();
  }

  @Override
  public Duration registerNode(Node node) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Duration heartbeat(String nodeId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public long updateAllocsFromClient(List<Allocation> updates) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean isLeader() {
    return true;
  }

  @Override
  public String leaderAddress() {
    return "127.0.0.1:0";
  }

  @Override
  public List<String> peers() {
    return List.of("127.0.0.1:0");
  }

  @Override
  public void addLeadershipListener(LeadershipListener listener) {
    listener.leadershipGained();
  }
}
