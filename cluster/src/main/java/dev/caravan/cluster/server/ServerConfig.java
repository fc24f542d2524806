package dev.caravan.cluster.server;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * How to start one server.
 *
 * @param serverId a name for logs
 * @param dataDir where the Raft log and snapshots live; restarting on it recovers the state
 * @param raftAddress this server's Raft (gRPC) address, {@code 127.0.0.1:port}
 * @param peerAddresses every voter's Raft address including this one; single node = just self
 * @param clock the leader's clock, stamped into commands
 */
public record ServerConfig(String serverId, Path dataDir, String raftAddress,
    List<String> peerAddresses, Clock clock) {

  public ServerConfig {
    peerAddresses = List.copyOf(peerAddresses);
    if (!peerAddresses.contains(raftAddress)) {
      throw new IllegalArgumentException("peerAddresses must include raftAddress " + raftAddress);
    }
    clock = clock == null ? Clock.systemUTC() : clock;
  }

  /** A single-node server. */
  public static ServerConfig singleNode(String serverId, Path dataDir, String raftAddress) {
    return new ServerConfig(serverId, dataDir, raftAddress, List.of(raftAddress),
        Clock.systemUTC());
  }

  /**
   * A server of a group named by Nomad's agent config: this server's Raft address plus
   * {@code server_join.retry_join} (Raft addresses, {@code host:port} as every server spells
   * them, since peer ids derive from them). Every server starts with the same voter list and
   * the group elects a leader once a majority is up.
   *
   * @throws IllegalArgumentException when fewer servers are named than {@code bootstrapExpect}
   */
  public static ServerConfig fromJoin(String serverId, Path dataDir, String raftAddress,
      List<String> retryJoin, int bootstrapExpect, Clock clock) {
    java.util.List<String> peers = new java.util.ArrayList<>();
    peers.add(raftAddress);
    for (String peer : retryJoin) {
      if (!peers.contains(peer)) {
        peers.add(peer);
      }
    }
    if (peers.size() < bootstrapExpect) {
      throw new IllegalArgumentException("server.bootstrap_expect: " + bootstrapExpect
          + " servers expected but this server and server_join.retry_join name only "
          + peers.size() + " " + peers);
    }
    return new ServerConfig(serverId, dataDir, raftAddress, peers, clock);
  }
}
