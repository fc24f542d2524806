package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.reconciler.git.SourceAuth;
import dev.caravan.reconciler.git.SourceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentGitopsConfigTest {
  @TempDir Path tmp;

  @Test
  void readsEverySourceKeyIncludingAuth() throws Exception {
    Path file = write("""
        gitops {
          source "apps" {
            url                = "https://git.example.com/team/apps.git"
            ref                = "refs/tags/prod"
            paths              = ["jobs/**/*.hcl"]
            exclude            = ["jobs/drafts/**"]
            interval           = "30s"
            prune              = true
            max_prune_fraction = 0.5
            self_heal          = false
            preserve_counts    = true
            var_files          = ["vars/prod.hcl"]
            auth {
              token = "s3cret"
            }
          }
          source "infra" {
            url = "ssh://git@git.example.com/infra.git"
            auth {
              ssh_key_file     = "/etc/caravan/id_ed25519"
              known_hosts_file = "/etc/caravan/known_hosts"
            }
          }
        }
        """);

    List<SourceConfig> sources = AgentConfigParser.parse(file, AgentConfig.dev(tmp)).sources();

    SourceConfig apps = sources.stream().filter(s -> s.name().equals("apps")).findFirst().orElseThrow();
    assertEquals(new SourceConfig("apps", "https://git.example.com/team/apps.git", "refs/tags/prod",
        List.of("jobs/**/*.hcl"), List.of("jobs/drafts/**"), Duration.ofSeconds(30), true, 0.5,
        false, true, List.of("vars/prod.hcl"), new SourceAuth("s3cret", null, null, null, null)),
        apps);
    assertEquals("refs/tags/prod", apps.trackedRef());
    assertEquals("token", apps.auth().toString());
    SourceConfig infra = sources.stream().filter(s -> s.name().equals("infra")).findFirst().orElseThrow();
    assertEquals("/etc/caravan/known_hosts", infra.auth().knownHostsFile());
    assertTrue(infra.selfHeal());
    assertEquals(0.3, infra.maxPruneFraction());
  }

  @Test
  void mixedAuthKindsAreRefusedWithTheKeyPath() throws Exception {
    Path file = write("""
        gitops {
          source "a" {
            url = "https://x/a.git"
            auth {
              token    = "t"
              username = "u"
              password = "p"
            }
          }
        }
        """);

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(tmp)));

    assertEquals(file + ": gitops.source.a.auth: use one of token, username + password, "
        + "ssh_key_file + known_hosts_file", e.getMessage());
  }

  @Test
  void anSshUrlWithoutAKeyIsRefusedNamingTheSource() throws Exception {
    Path file = write("gitops {\n  source \"a\" {\n    url = \"git@git.example.com:ops/a.git\"\n"
        + "  }\n}\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(tmp)));

    assertEquals(file + ": gitops.source.a: source a: url git@git.example.com:ops/a.git is SSH:"
        + " set auth { ssh_key_file, known_hosts_file } (host keys are always checked)",
        e.getMessage());
  }

  @Test
  void anSshKeyWithoutKnownHostsIsRefused() throws Exception {
    Path file = write("gitops {\n  source \"a\" {\n    url = \"ssh://git@h/a.git\"\n"
        + "    auth {\n      ssh_key_file = \"/k\"\n    }\n  }\n}\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(tmp)));

    assertEquals(file + ": gitops.source.a.auth: ssh_key_file needs known_hosts_file (host keys"
        + " are always checked)", e.getMessage());
  }

  @Test
  void aMisspelledAuthKeyIsRefused() throws Exception {
    Path file = write("gitops {\n  source \"a\" {\n    url = \"ssh://git@h/a.git\"\n"
        + "    auth {\n      ssh_key = \"/k\"\n    }\n  }\n}\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(tmp)));

    assertEquals(file + ": unknown key \"gitops.source.a.auth.ssh_key\"", e.getMessage());
  }

  @Test
  void aPruneFractionOutsideZeroToOneIsRefused() throws Exception {
    Path file = write("gitops {\n  source \"a\" {\n    url = \"file:///x\"\n"
        + "    max_prune_fraction = 2\n  }\n}\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> AgentConfigParser.parse(file, AgentConfig.dev(tmp)));

    assertEquals(file + ": gitops.source.a.max_prune_fraction: expected a number between 0 and 1, "
        + "got 2", e.getMessage().replace("2.0", "2"));
  }

  private Path write(String text) throws Exception {
    Path f = tmp.resolve("agent.hcl");
    Files.writeString(f, text);
    return f;
  }
}
