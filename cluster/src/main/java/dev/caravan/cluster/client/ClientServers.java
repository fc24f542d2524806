package dev.caravan.cluster.client;

import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Node;
import java.time.Duration;
import java.util.List;

/**
 * What a client agent needs of the servers, and nothing more: register its node, heartbeat,
 * watch its allocations, report what became of them. {@link LocalServers} answers from a
 * server in the same process (the dev agent); {@link HttpServers} asks the servers'
 * {@code /v1/client/...} endpoints over HTTP, failing over between them.
 */
public interface ClientServers {

  /**
   * Registers or re-registers the node; returns the heartbeat TTL.
   *
   * @throws ClusterException 400 for a node the servers refuse, 503 when no server answers
   */
  Duration registerNode(Node node) throws ClusterException;

  /**
   * Records a heartbeat; returns the TTL until the next one is due.
   *
   * @throws ClusterException 404 when the servers do not know the node (it must register),
   *     503 when no server answers
   */
  Duration heartbeat(String nodeId) throws ClusterException;

  /**
   * The node's allocations (each with its job) once they changed after {@code index}, or as
   * they are when {@code wait} passes first (Nomad's blocking query).
   *
   * @throws ClusterException 503 when no server answers
   */
  NodeAllocations allocations(String nodeId, long index, Duration wait)
      throws ClusterException, InterruptedException;

  /**
   * Reports client status, task states and deployment health of allocations.
   *
   * @throws ClusterException 503 when no server answers
   */
  void updateAllocs(List<Allocation> updates) throws ClusterException;
}
