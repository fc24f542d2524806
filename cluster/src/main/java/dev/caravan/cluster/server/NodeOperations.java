package dev.caravan.cluster.server;

import dev.caravan.cluster.scheduler.SchedulerFactory;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.DrainStrategy;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * The decisions behind node lifecycle and server operations, as functions of a state image
 * (and, for the Raft configuration, of the local Ratis server): which evaluations a node
 * change creates, what a drain stamps and what it waits for, the heartbeat TTL.
 */
final class NodeOperations {
  /** A follower silent for longer than this is reported {@code failed} by the leader. */
  private static final long FAILED_AFTER_MILLIS = 5_000;

  private NodeOperations() {}

  static Evaluation newEval(Job job, String trigger, String nodeId, long now, String id) {
    return Evaluation.builder().id(id).namespace(job.namespace()).priority(job.priority())
        .type(job.type()).triggeredBy(trigger).jobId(job.id()).nodeId(nodeId)
        .status(Evaluation.STATUS_PENDING).createTime(now).modifyTime(now).build();
  }

  /** One evaluation per running system or sysbatch job: a node that can take work joined. */
  static List<Evaluation> systemJobEvals(ClusterState s, String nodeId, long now,
      Supplier<String> ids) {
    List<Evaluation> out = new ArrayList<>();
    for (Job j : s.jobs()) {
      if (!j.stop() && SchedulerFactory.isSystem(j.type()) && j.periodic() == null
          && j.parameterizedJob() == null) {
        out.add(newEval(j, Evaluation.TRIGGER_NODE_UPDATE, nodeId, now, ids.get()));
      }
    }
    return out;
  }

  /** One evaluation per job with a live allocation on the node. */
  static List<Evaluation> jobEvalsForNode(ClusterState s, String nodeId, long now,
      Supplier<String> ids) {
    List<Allocation> live = new ArrayList<>();
    for (Allocation a : s.allocsByNode(nodeId)) {
      if (!a.isTerminal()) {
        live.add(a);
      }
    }
    return jobEvals(live, nodeId, now, ids);
  }

  static List<Evaluation> jobEvals(List<Allocation> allocs, String nodeId, long now,
      Supplier<String> ids) {
    List<Evaluation> out = new ArrayList<>();
    Set<String> jobs = new LinkedHashSet<>();
    for (Allocation a : allocs) {
      if (a.job() != null && jobs.add(a.namespace() + '\0' + a.jobId())) {
        out.add(newEval(a.job(), Evaluation.TRIGGER_NODE_UPDATE, nodeId, now, ids.get()));
      }
    }
    return out;
  }

  /**
   * The strategy as stored: {@code StartedAt} kept from a drain in progress, and
   * {@code ForceDeadline} = now + deadline (now for a negative deadline, 0 for none).
   */
  static DrainStrategy stampDrain(DrainStrategy spec, DrainStrategy current, long now) {
    long deadline = spec.deadline() == null ? 0 : spec.deadline().toNanos();
    long force = deadline < 0 ? now : deadline == 0 ? 0 : now + deadline;
    long started = current == null ? now : current.startedAt();
    return new DrainStrategy(spec.deadline(), spec.ignoreSystemJobs(), force, started);
  }

  /** Allocations a drain still waits for (system ones not when it ignores system jobs). */
  static List<Allocation> remainingOnDrainingNode(ClusterState s, Node n) {
    List<Allocation> out = new ArrayList<>();
    boolean ignoreSystem = n.drainStrategy() != null && n.drainStrategy().ignoreSystemJobs();
    for (Allocation a : s.allocsByNode(n.id())) {
      if (a.isTerminal()) {
        continue;
      }
      if (ignoreSystem && a.job() != null && SchedulerFactory.isSystem(a.job().type())) {
        continue;
      }
      out.add(a);
    }
    return out;
  }

  /**
   * Nomad's heartbeat TTL: {@code max(min, nodes / perSecond)} seconds, plus a random stagger
   * of up to that much again, so that a large cluster's heartbeats spread to about
   * {@code perSecond} per second.
   */
  static Duration heartbeatTtl(Duration min, int perSecond, int nodes, RandomGenerator random) {
    long scaled = (long) nodes * 1_000 / Math.max(1, perSecond);
    long base = Math.max(min.toMillis(), scaled);
    return Duration.ofMillis(base + random.nextLong(Math.max(1, base)));
  }

  static Cluster.RaftConfiguration raftConfiguration(RaftServer raft, RaftGroupId groupId,
      RaftPeerId leaderId) {
    try {
      RaftServer.Division d = raft.getDivision(groupId);
      java.util.Map<String, Long> silence = new java.util.HashMap<>();
      RaftProtos.RoleInfoProto role = d.getInfo().getRoleInfoProto();
      if (role.hasLeaderInfo()) {
        for (RaftProtos.ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
          silence.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
        }
      }
      List<Cluster.RaftMember> out = new ArrayList<>();
      for (RaftPeer p : d.getRaftConf().getCurrentPeers()) {
        String id = p.getId().toString();
        boolean leader = p.getId().equals(leaderId);
        long quiet = silence.getOrDefault(id, 0L);
        out.add(new Cluster.RaftMember(id, id, p.getAddress(), leader, true, "3",
            quiet > FAILED_AFTER_MILLIS ? "failed" : "alive"));
      }
      out.sort(java.util.Comparator.comparing(Cluster.RaftMember::address));
      return new Cluster.RaftConfiguration(out, d.getRaftConf().getLogEntryIndex());
    } catch (java.io.IOException e) {
      return new Cluster.RaftConfiguration(List.of(), 0);
    }
  }
}
