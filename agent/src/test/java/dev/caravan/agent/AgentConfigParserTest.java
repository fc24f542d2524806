package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigParserTest {
  @TempDir Path tmp;

  @Test
  void readsNomadShapedConfigWithGitopsSources() throws Exception {
    Path file = write("""
        data_dir  = "/var/lib/caravan"
        bind_addr = "127.0.0.1"
        ports {
          http = 5646
          rpc  = 5647
        }
        server {
          enabled          = true
          bootstrap_expect = 3
          server_join {
            retry_join = ["127.0.0.1:5647", "127.0.0.1:5648"]
          }
        }
        client {
          enabled = false
        }
        gitops {
          source "apps" {
            url      = "file:///srv/apps.git"
            branch   = "prod"
            paths    = ["nomad/*.hcl"]
            interval = "1m30s"
          }
        }
        """);

    AgentConfig c = AgentConfigParser.parse(file, AgentConfig.dev(null));

    assertEquals(Path.of("/var/lib/caravan"), c.dataDir());
    assertEquals(5646, c.httpPort());
    assertEquals(5647, c.rpcPort());
    assertEquals(3, c.bootstrapExpect());
    assertEquals(List.of("127.0.0.1:5647", "127.0.0.1:5648"), c.retryJoin());
    assertEquals(false, c.clientEnabled());
    assertEquals(1, c.sources().size());
    assertEquals("prod", c.sources().get(0).branch());
    assertEquals(List.of("nomad/*.hcl"), c.sources().get(0).paths());
    assertEquals(Duration.ofSeconds(90), c.sources().get(0).interval());
  }

  @Test
  void readsTheDockerPluginBlockInNomadsNames() throws Exception {
    Path file = write("""
        plugin "raw_exec" {
          config {
            enabled = false
          }
        }
        plugin "docker" {
          config {
            allow_privileged = true
            endpoint = "unix:///run/other.sock"
            volumes {
              enabled = true
            }
          }
        }
        """);

    AgentConfig c = AgentConfigParser.parse(file, AgentConfig.dev(null));

    assertEquals(new DockerPluginConfig(true, true, "unix:///run/other.sock"), c.docker());
    assertEquals(false, c.rawExecEnabled());
  }

  @Test
  void dockerIsLockedDownWithoutAPluginBlock() throws Exception {
    Path file = write("data_dir = \"/tmp/x\"\n");

    AgentConfig c = AgentConfigParser.parse(file, AgentConfig.dev(null));

    assertEquals(DockerPluginConfig.DEFAULTS, c.docker());
    assertEquals(new DockerPluginConfig(false, false, null), c.docker());
  }

  @Test
  void anUnknownDockerPluginKeyIsAnErrorNamingIt() throws Exception {
    Path file = write("""
        plugin "docker" {
          config {
            allow_privilege = true
          }
        }
        """);

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

    assertEquals(file + ": unknown key \"plugin.docker.config.allow_privilege\"", e.getMessage());
  }

  @Test
  void aDockerVolumesFlagThatIsNotABooleanIsAnError() throws Exception {
    Path file = write("""
        plugin "docker" {
          config {
            volumes {
              enabled = "yes"
            }
          }
        }
        """);

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

    assertEquals(file + ": plugin.docker.config.volumes.enabled: expected true or false, got yes",
        e.getMessage());
  }

  @Test
  void readsASourcesWebhookSecretAndPreviewTargetFromFiles() throws Exception {
    Files.writeString(tmp.resolve("hook.secret"), "s3cret\n");
    Files.writeString(tmp.resolve("gh.token"), "ghp_abc\n");
    Path file = write("""
        gitops {
          source "apps" {
            url = "https://github.com/acme/apps.git"
            webhook {
              secret_file = "%s"
            }
            preview {
              provider   = "github"
              token_file = "%s"
            }
          }
        }
        """.formatted(tmp.resolve("hook.secret"), tmp.resolve("gh.token")));

    AgentConfig c = AgentConfigParser.parse(file, AgentConfig.dev(null));

    SourceHooks hooks = c.hooks("apps");
    assertEquals("s3cret", hooks.webhookSecret());
    assertEquals(dev.caravan.webhook.Provider.GITHUB, hooks.preview().provider());
    assertEquals("ghp_abc", hooks.preview().token());
    assertEquals("", hooks.preview().apiUrl());
    assertEquals(SourceHooks.NONE, c.hooks("other"));
    assertEquals(false, hooks.toString().contains("s3cret") || hooks.toString().contains("ghp_abc"),
        "secrets are never printed");
  }

  @Test
  void previewAndWebhookMistakesNameTheKey() throws Exception {
    String base = """
        gitops {
          source "apps" {
            url = "https://github.com/acme/apps.git"
            %s
          }
        }
        """;
    List<String[]> cases = List.of(
        new String[] {"preview {\n provider = \"svn\"\n token = \"t\"\n}",
            "gitops.source.apps.preview.provider: expected github, gitlab, gitea, forgejo, bitbucket or bitbucket-server, got \"svn\""},
        new String[] {"preview {\n provider = \"gitlab\"\n}",
            "gitops.source.apps.preview.token: required (token, token_env or token_file)"},
        new String[] {"webhook {\n secret = \"a\"\n secret_env = \"B\"\n}",
            "gitops.source.apps.webhook.secret: use one of secret, secret_env, secret_file"},
        new String[] {"webhook {\n secret_env = \"CARAVAN_TEST_UNSET_VARIABLE\"\n}",
            "gitops.source.apps.webhook.secret_env: environment variable CARAVAN_TEST_UNSET_VARIABLE is not set"},
        new String[] {"preview {\n provider = \"github\"\n token = \"t\"\n api_url = \"ftp://x\"\n}",
            "gitops.source.apps.preview.api_url: expected an http(s) URL, got ftp://x"});
    for (String[] c : cases) {
      Path file = write(base.formatted(c[0]));

      ConfigException e = assertThrows(ConfigException.class,
          () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

      assertEquals(file + ": " + c[1], e.getMessage());
    }
  }

  @Test
  void unknownKeyIsAnErrorNamingFileAndKey() throws Exception {
    Path file = write("ports {\n  htp = 1\n}\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

    assertEquals(file + ": unknown key \"ports.htp\"", e.getMessage());
  }

  @Test
  void aSyntaxErrorNamesFileLineAndColumn() throws Exception {
    Path file = write("data_dir = \"/tmp/x\"\nports { http = 4646  rpc = 4647 }\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

    assertEquals(file + ":2:26: syntax error: unexpected '='", e.getMessage());
  }

  @Test
  void anUnclosedBlockIsAnErrorNotAConfigCutShort() throws Exception {
    Path file = write("data_dir = \"/tmp/x\"\nserver {\n  enabled = true\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

    assertEquals(file + ":2:8: unclosed '{': no matching '}' before the end of the file",
        e.getMessage());
  }

  @Test
  void wrongTypeIsAnErrorNamingTheKey() throws Exception {
    Path file = write("ports {\n  http = \"x\"\n}\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

    assertEquals(file + ": ports.http: expected a whole number, got x", e.getMessage());
  }

  @Test
  void badIntervalIsAnErrorNamingTheSource() throws Exception {
    Path file = write("gitops {\n  source \"a\" {\n    url = \"file:///x\"\n    interval = \"soon\"\n  }\n}\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

    assertEquals(file + ": gitops.source.a.interval: invalid duration \"soon\" (use 30s, 5m, 1h30m)",
        e.getMessage());
  }

  @Test
  void zeroIntervalIsAnErrorRatherThanABusyPoll() throws Exception {
    Path file = write("gitops {\n  source \"a\" {\n    url = \"file:///x\"\n    interval = \"0\"\n  }\n}\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(null)));

    assertEquals(file + ": gitops.source.a.interval: must be greater than zero", e.getMessage());
  }

  private Path write(String text) throws Exception {
    Path f = tmp.resolve("agent.hcl");
    Files.writeString(f, text);
    return f;
  }
}
