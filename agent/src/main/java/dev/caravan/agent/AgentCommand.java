package dev.caravan.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code caravan agent}: runs a server and/or client until interrupted. */
@Command(name = "agent", description = "Run a Caravan agent (server and/or client).")
final class AgentCommand implements Callable<Integer> {
  @Option(names = "-dev", description = "One server and one client in this process, syncing repo-template/.")
  boolean dev;

  @Option(names = "-config", paramLabel = "FILE", description = "Agent config file (HCL).")
  Path configFile;

  @Option(names = "-data-dir", paramLabel = "DIR", description = "Where the agent keeps its state.")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    if (!dev && configFile == null) {
      throw new ConfigException("agent: give -dev or -config FILE");
    }
    AgentConfig config = dev ? AgentConfig.dev(null)
        : new AgentConfig(null, "127.0.0.1", 4646, 4647, false, 1, java.util.List.of(), false,
            java.util.List.of(), false, false, java.util.List.of());
    if (configFile != null) {
      config = AgentConfigParser.parse(configFile, config);
    }
    if (dataDir != null) {
      config = config.withDataDir(dataDir);
    }
    Path temporary = null;
    if (config.dataDir() == null) {
      if (!dev) {
        throw new ConfigException(configFile + ": data_dir: required without -dev");
      }
      temporary = TemporaryDataDir.create();
      config = config.withDataDir(temporary);
    }
    Files.createDirectories(config.dataDir());
    String home = System.getProperty("caravan.home", System.getenv().getOrDefault("CARAVAN_HOME", "."));
    Agent agent = Agent.start(config, System.out, Path.of(home).resolve("repo-template"));
    CountDownLatch done = new CountDownLatch(1);
    Path removeOnStop = temporary;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      if (removeOnStop != null) {
        TemporaryDataDir.remove(removeOnStop);
      }
      done.countDown();
    }, "caravan-shutdown"));
    done.await();
    return 0;
  }
}
