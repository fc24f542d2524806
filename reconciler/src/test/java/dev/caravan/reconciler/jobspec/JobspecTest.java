package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.LogConfig;
import dev.caravan.cluster.structs.ReschedulePolicy;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.RestartPolicy;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.UpdateStrategy;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class JobspecTest {

  private static final String WEB = """
      job "web" {
        type        = "service"
        region      = "eu"
        datacenters = ["dc1", "dc2"]
        priority    = 70
        meta {
          team = "payments"
        }

        group "api" {
          count = 3
          task "server" {
            driver = "docker"
            user   = "nobody"
            config {
              image   = "nginx:1.27"
              ports   = ["http"]
              workers = 4
              ratio   = 0.5
              args    = ["--os", "${attr.kernel.name}"]
            }
            env {
              PORT = "${NOMAD_PORT_http}"
            }
            resources {
              cpu        = 500
              memory     = 256
              memory_max = 512
            }
            kill_timeout = "1m30s"
          }
        }

        group "worker" {
          task "consume" {
            driver = "exec"
            config {
              command = "/bin/consume"
            }
          }
          task "sidecar" {
            driver = "mock"
          }
        }
      }
      """;

  static String web() {
    return WEB;
  }

  @Test
  void decodesAServiceJobWithTwoGroups() throws Exception {
    Job job = Jobspec.parse("web.hcl", WEB);

    assertEquals("web", job.id());
    assertEquals("web", job.name());
    assertEquals("service", job.type());
    assertEquals("eu", job.region());
    assertEquals(List.of("dc1", "dc2"), job.datacenters());
    assertEquals(70, job.priority());
    assertEquals(Map.of("team", "payments"), job.meta());
    assertEquals(List.of("api", "worker"), job.taskGroups().stream().map(TaskGroup::name).toList());
    TaskGroup api = job.group("api");
    assertEquals(3, api.count());
    Task server = api.task("server");
    assertEquals("docker", server.driver());
    assertEquals("nobody", server.user());
    assertEquals(new Resources(500, 0, 256, 512, 0), server.resources());
    assertEquals(Duration.ofSeconds(90), server.killTimeout());
    assertEquals(4, server.config().get("workers"));
    assertEquals(Integer.class, server.config().get("workers").getClass());
    assertEquals(0.5, server.config().get("ratio"));
    assertEquals(List.of("http"), server.config().get("ports"));
    assertEquals(List.of("exec", "mock"),
        job.group("worker").tasks().stream().map(Task::driver).toList());
  }

  @Test
  void keepsRuntimeInterpolationsVerbatim() throws Exception {
    Task server = Jobspec.parse("web.hcl", WEB).group("api").task("server");

    assertEquals(List.of("--os", "${attr.kernel.name}"), server.config().get("args"));
    assertEquals(Map.of("PORT", "${NOMAD_PORT_http}"), server.env());
  }

  @Test
  void appliesNomadDefaults() throws Exception {
    Job job = Jobspec.parse("min.hcl", """
        job "min" {
          group "g" {
            task "t" {
              driver = "exec"
            }
          }
        }
        """);

    assertEquals("global", job.region());
    assertEquals("default", job.namespace());
    assertEquals(List.of("*"), job.datacenters());
    assertEquals(50, job.priority());
    assertEquals("service", job.type());
    assertEquals(UpdateStrategy.defaults(), job.update());
    TaskGroup g = job.group("g");
    assertEquals(1, g.count());
    assertEquals(RestartPolicy.serviceDefaults(), g.restartPolicy());
    assertEquals(ReschedulePolicy.serviceDefaults(), g.reschedulePolicy());
    assertEquals(UpdateStrategy.defaults(), g.update());
    Task t = g.task("t");
    assertEquals(Resources.defaults(), t.resources());
    assertEquals(Duration.ofSeconds(5), t.killTimeout());
    assertEquals(LogConfig.defaults(), t.logConfig());
  }

  @Test
  void batchJobsGetBatchPoliciesAndNoUpdate() throws Exception {
    Job job = Jobspec.parse("b.hcl", """
        job "b" {
          type = "batch"
          group "g" {
            task "t" {
              driver = "exec"
              resources {
                memory = 64
              }
            }
          }
        }
        """);

    assertNull(job.update());
    assertEquals(RestartPolicy.batchDefaults(), job.group("g").restartPolicy());
    assertEquals(ReschedulePolicy.batchDefaults(), job.group("g").reschedulePolicy());
    assertEquals(new Resources(100, 0, 64, 0, 0), job.group("g").task("t").resources());
  }

  @Test
  void reportsASyntaxErrorAtItsPosition() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("bad.hcl", """
        job "bad" {
          priority = = 3
        }
        """));

    JobspecError error = e.errors().get(0);
    assertEquals(2, error.line());
    assertEquals(14, error.column());
    assertEquals("bad.hcl:2:14: syntax error: unexpected '='", error.toString());
  }

  @Test
  void reportsAnUnclosedBraceAtTheBrace() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("open.hcl", """
        job "open" {
          group "g" {
            task "t" {
              driver = "exec"
            }
        }
        """));

    assertEquals(1, e.errors().size());
    assertEquals("open.hcl:1:12: unclosed '{': no matching '}' before the end of the file",
        e.errors().get(0).toString());
  }

  @Test
  void reportsTrailingGarbage() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("t.hcl", """
        job "t" {
          group "g" {
            task "t" {
              driver = "exec"
            }
          }
        }
        }
        """));

    assertEquals("t.hcl:8:1: unexpected '}' with no block open", e.errors().get(0).toString());
  }

  @Test
  void suggestsTheClosestNameForAnUnknownAttribute() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("u.hcl", """
        job "u" {
          group "g" {
            task "t" {
              drivr = "exec"
              resources {
                memroy = 10
              }
            }
          }
        }
        """));

    assertEquals(List.of(
        "u.hcl:4:7: unknown attribute or block \"drivr\" in task; did you mean \"driver\"?",
        "u.hcl:6:9: unknown attribute or block \"memroy\" in resources; did you mean \"memory\"?"),
        e.errors().stream().map(JobspecError::toString).toList());
    assertEquals("job.u.group.g.task.t.drivr", e.errors().get(0).path());
  }

  @Test
  void reportsARepeatedAttribute() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("r.hcl", """
        job "r" {
          priority = 10
          priority = 20
          group "g" {
            task "t" {
              driver = "exec"
            }
          }
        }
        """));

    assertEquals("r.hcl:3:3: attribute \"priority\" is repeated (first set at 2:3)",
        e.errors().get(0).toString());
  }

  @Test
  void reportsEveryValidationErrorWithPathAndPosition() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("v.hcl", """
        job "v" {
          type     = "daemon"
          priority = 200
          group "g" {
            count = -1
            task "t" {
              driver = "podman"
              resources {
                memory = 5
              }
            }
          }
        }
        """));

    assertEquals(List.of(
        "job.v.type@2:3", "job.v.priority@3:3", "job.v.group.g.count@5:5",
        "job.v.group.g.task.t.driver@7:7", "job.v.group.g.task.t.resources.memory@9:9"),
        e.errors().stream().map(x -> x.path() + "@" + x.line() + ":" + x.column()).toList());
    assertTrue(e.errors().get(3).message().contains("driver \"podman\" is not supported by Caravan"));
  }

  @Test
  void requiresExactlyOneJobBlock() {
    JobspecException none = assertThrows(JobspecException.class, () -> Jobspec.parse("n.hcl", "# nothing\n"));
    JobspecException two = assertThrows(JobspecException.class, () -> Jobspec.parse("two.hcl", """
        job "a" {
          group "g" {
            task "t" { driver = "exec" }
          }
        }
        job "b" {
          group "g" {
            task "t" { driver = "exec" }
          }
        }
        """));

    assertTrue(none.errors().get(0).message().startsWith("no job block"));
    assertEquals("two.hcl:6:1: more than one job block: a file holds exactly one job",
        two.errors().get(0).toString());
  }

  @Test
  void refusesDataBlocksWithoutTouchingTheNetwork() throws Exception {
    AtomicBoolean contacted = new AtomicBoolean();
    try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread accept = new Thread(() -> {
        try {
          server.accept().close();
          contacted.set(true);
        } catch (Exception ignored) {
          // closed by the test
        }
      });
      accept.start();
      String hcl = """
          data "http" "leak" {
            url = "http://127.0.0.1:%d/x"
          }
          job "d" {
            group "g" {
              task "t" { driver = "exec" }
            }
          }
          """.formatted(server.getLocalPort());

      JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("d.hcl", hcl));

      server.close();
      accept.join(2000);
      assertTrue(e.errors().get(0).toString().startsWith("d.hcl:1:1: data blocks are not supported"));
    }
    assertTrue(!contacted.get(), "the parser contacted the network");
  }

  @Test
  void binaryJunkAndTruncatedFilesGiveJobspecExceptions() {
    Random random = new Random(42);
    for (int n = 0; n < 200; n++) {
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      String junk = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThrows(JobspecException.class, () -> Jobspec.parse("junk.hcl", junk));
    }
    for (int cut = 0; cut < WEB.length() - 2; cut += 7) {
      String truncated = WEB.substring(0, cut);
      int at = cut;
      assertThrows(JobspecException.class, () -> Jobspec.parse("cut.hcl", truncated),
          () -> "cut at " + at);
    }
  }

  @Test
  void substitutesProvidedVariables() throws Exception {
    Job job = Jobspec.parse("vars.hcl", """
        job "v" {
          group "g" {
            task "t" {
              driver = "docker"
              config {
                image = "app:${var.tag}"
              }
            }
          }
        }
        """, Map.of("tag", "1.2.3"));

    assertEquals("app:1.2.3", job.group("g").task("t").config().get("image"));
  }

  @Test
  void parsesGoDurations() {
    assertEquals(Duration.ofSeconds(30), JobDecoder.parseDuration("30s"));
    assertEquals(Duration.ofMinutes(90), JobDecoder.parseDuration("1h30m"));
    assertEquals(Duration.ofMillis(500), JobDecoder.parseDuration("500ms"));
    assertNull(JobDecoder.parseDuration("soon"));
  }
}
