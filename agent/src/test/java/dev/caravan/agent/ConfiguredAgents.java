package dev.caravan.agent;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Agents a test starts from config files (over the -dev defaults), closed in reverse order: a
 * client started after its servers stops before them, so it never outlives what it reports to.
 */
final class ConfiguredAgents implements AutoCloseable {
  private final List<Agent> agents = new ArrayList<>();

  Agent start(Path configFile) throws Exception {
    Agent a = Agent.start(AgentConfigParser.parse(configFile, AgentConfig.dev(null)),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), null);
    agents.add(a);
    return a;
  }

  /** The running agents, in start order. */
  List<Agent> list() {
    return List.copyOf(agents);
  }

  /** An agent the test closed itself: not closed again. */
  void forget(Agent agent) {
    agents.remove(agent);
  }

  @Override
  public void close() {
    for (int i = agents.size() - 1; i >= 0; i--) {
      agents.get(i).close();
    }
    agents.clear();
  }
}
