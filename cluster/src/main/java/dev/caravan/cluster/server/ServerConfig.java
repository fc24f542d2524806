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
}
