package dev.caravan.agent;

import dev.caravan.reconciler.git.SourceConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An agent's settings, in the shape of Nomad's agent config plus Caravan's {@code gitops}
 * block. {@link AgentConfigParser} reads it from HCL; {@link #dev} gives the -dev defaults.
 */
public record AgentConfig(
    Path dataDir,
    String bindAddr,
    int httpPort,
    int rpcPort,
    boolean serverEnabled,
    int bootstrapExpect,
    List<String> retryJoin,
    boolean clientEnabled,
    List<String> clientServers,
    boolean rawExecEnabled,
    boolean devMode,
    List<SourceConfig> sources,
    Map<String, SourceHooks> sourceHooks,
    ClientNode clientNode,
    DockerPluginConfig docker) {

  /**
   * How a client describes its node: top-level {@code name} and {@code datacenter}, and the
   * {@code client} block's {@code node_class}, {@code node_pool} and {@code meta}. Nulls take
   * the defaults (host name, {@code dc1}, no class, {@code default} pool, no meta).
   */
  public record ClientNode(String name, String datacenter, String nodeClass, String nodePool,
      Map<String, String> meta) {
    public static final ClientNode DEFAULT = new ClientNode(null, null, null, null, Map.of());

    public ClientNode {
      meta = meta == null ? Map.of() : Map.copyOf(meta);
    }
  }

  public AgentConfig {
    clientNode = clientNode == null ? ClientNode.DEFAULT : clientNode;
    docker = docker == null ? DockerPluginConfig.DEFAULTS : docker;
    retryJoin = List.copyOf(retryJoin);
    clientServers = List.copyOf(clientServers);
    sources = List.copyOf(sources);
    sourceHooks = sourceHooks == null ? Map.of() : Map.copyOf(sourceHooks);
  }

  /** The default node description and the docker plugin's defaults. */
  public AgentConfig(Path dataDir, String bindAddr, int httpPort, int rpcPort,
      boolean serverEnabled, int bootstrapExpect, List<String> retryJoin, boolean clientEnabled,
      List<String> clientServers, boolean rawExecEnabled, boolean devMode,
      List<SourceConfig> sources, Map<String, SourceHooks> sourceHooks) {
    this(dataDir, bindAddr, httpPort, rpcPort, serverEnabled, bootstrapExpect, retryJoin,
        clientEnabled, clientServers, rawExecEnabled, devMode, sources, sourceHooks, null, null);
  }

  /** Sources without webhook secrets or preview targets. */
  public AgentConfig(Path dataDir, String bindAddr, int httpPort, int rpcPort,
      boolean serverEnabled, int bootstrapExpect, List<String> retryJoin, boolean clientEnabled,
      List<String> clientServers, boolean rawExecEnabled, boolean devMode,
      List<SourceConfig> sources) {
    this(dataDir, bindAddr, httpPort, rpcPort, serverEnabled, bootstrapExpect, retryJoin,
        clientEnabled, clientServers, rawExecEnabled, devMode, sources, Map.of());
  }

  /** The webhook secret and preview target of a source ({@link SourceHooks#NONE} if unset). */
  SourceHooks hooks(String source) {
    return sourceHooks.getOrDefault(source, SourceHooks.NONE);
  }

  /** One server, one client, raw_exec on, API on 127.0.0.1:4646, Raft on 127.0.0.1:4647. */
  public static AgentConfig dev(Path dataDir) {
    return new AgentConfig(dataDir, "127.0.0.1", 4646, 4647, true, 1, List.of(), true, List.of(),
        true, true, List.of());
  }

  public AgentConfig withDataDir(Path dir) {
    return new AgentConfig(dir, bindAddr, httpPort, rpcPort, serverEnabled, bootstrapExpect,
        retryJoin, clientEnabled, clientServers, rawExecEnabled, devMode, sources, sourceHooks,
        clientNode, docker);
  }
}
