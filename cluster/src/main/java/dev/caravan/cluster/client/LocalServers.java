package dev.caravan.cluster.client;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Node;
import java.time.Duration;
import java.util.List;

/** The servers as seen by a client in the same process: calls on the local {@link Cluster}. */
public final class LocalServers implements ClientServers {
  private final Cluster cluster;

  public LocalServers(Cluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public Duration registerNode(Node node) throws ClusterException {
    return cluster.registerNode(node);
  }

  @Override
  public Duration heartbeat(String nodeId) throws ClusterException {
    return cluster.heartbeat(nodeId);
  }

  @Override
  public NodeAllocations allocations(String nodeId, long index, Duration wait)
      throws InterruptedException {
    return await(cluster, nodeId, index, wait);
  }

  /**
   * Blocks until the node's allocations change after {@code index} or {@code wait} passes;
   * the same rule the servers' HTTP endpoint answers by.
   */
  static NodeAllocations await(Cluster cluster, String nodeId, long index, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    ClusterState state = cluster.state();
    while (true) {
      NodeAllocations current = NodeAllocations.of(state, nodeId);
      long left = deadline - System.nanoTime();
      if (NodeAllocations.answers(state, current, index) || left <= 0) {
        return current;
      }
      state = cluster.awaitIndex(state.index(), Duration.ofNanos(left));
    }
  }

  @Override
  public void updateAllocs(List<Allocation> updates) throws ClusterException {
    cluster.updateAllocsFromClient(updates);
  }
}
