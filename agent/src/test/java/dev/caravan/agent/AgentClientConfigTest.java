package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code client} block and the node settings of an agent config, Nomad's key names. */
class AgentClientConfigTest {
  @TempDir Path tmp;

  private Path write(String hcl) throws Exception {
    Path file = tmp.resolve("agent.hcl");
    Files.writeString(file, hcl);
    return file;
  }

  @Test
  void readsAClientOnlyAgentWithItsServersAndNodeDescription() throws Exception {
    Path file = write("""
        data_dir   = "/var/lib/caravan"
        name       = "worker-7"
        datacenter = "eu-west"
        server {
          enabled = false
        }
        client {
          enabled    = true
          servers    = ["10.0.0.1:4646", "10.0.0.2:4646"]
          node_class = "gpu"
          node_pool  = "batch"
          meta {
            rack = "r7"
            zone = "b"
          }
        }
        """);

    AgentConfig c = AgentConfigParser.parse(file, AgentConfig.dev(null));

    assertEquals(false, c.serverEnabled());
    assertEquals(true, c.clientEnabled());
    assertEquals(List.of("10.0.0.1:4646", "10.0.0.2:4646"), c.clientServers());
    assertEquals(new AgentConfig.ClientNode("worker-7", "eu-west", "gpu", "batch",
        Map.of("rack", "r7", "zone", "b")), c.clientNode());
  }

  @Test
  void withoutNodeSettingsTheDefaultsApply() throws Exception {
    AgentConfig c = AgentConfigParser.parse(write("client {\n  enabled = true\n}\n"),
        AgentConfig.dev(null));

    assertEquals(AgentConfig.ClientNode.DEFAULT, c.clientNode());
  }

  @Test
  void anUnknownClientKeyIsAnErrorNamingIt() throws Exception {
    Path file = write("client {\n  enabled = true\n  server = [\"10.0.0.1:4646\"]\n}\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

    assertEquals(file + ": unknown key \"client.server\"", e.getMessage());
  }

  @Test
  void bareNumbersAndBooleansInMetaAreKeptAsText() throws Exception {
    AgentConfig c = AgentConfigParser.parse(write(
        "client {\n  meta {\n    rack = 7\n    ssd = true\n  }\n}\n"), AgentConfig.dev(null));

    assertEquals(Map.of("rack", "7", "ssd", "true"), c.clientNode().meta());
  }

  @Test
  void aMetaValueThatIsABlockIsAnErrorNamingItsKey() throws Exception {
    Path file = write("client {\n  meta {\n    rack = [\"a\"]\n  }\n}\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

    assertEquals(file + ": client.meta.rack: expected a string, got [a]", e.getMessage());
  }

  @Test
  void aServerAddressWithSpacesIsAnErrorNamingTheKey() throws Exception {
    Path file = write("client {\n  servers = [\"10.0.0.1 4646\"]\n}\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

    assertEquals(file + ": client.servers: expected \"host:port\" addresses, got \"10.0.0.1 4646\"",
        e.getMessage());
  }
}
