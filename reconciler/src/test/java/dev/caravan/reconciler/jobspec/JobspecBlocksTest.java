package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NetworkResource;
import dev.caravan.cluster.structs.ParameterizedJobConfig;
import dev.caravan.cluster.structs.PeriodicConfig;
import dev.caravan.cluster.structs.Port;
import dev.caravan.cluster.structs.Service;
import dev.caravan.cluster.structs.ServiceCheck;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.UpdateStrategy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobspecBlocksTest {

  @Test
  void decodesUpdateConstraintsAndNetworks() throws Exception {
    Job job = Jobspec.parse("svc.hcl", """
        job "svc" {
          update {
            max_parallel = 2
            canary       = 1
            auto_revert  = true
            min_healthy_time = "15s"
          }
          constraint {
            attribute = "${attr.kernel.name}"
            value     = "linux"
          }
          constraint {
            attribute = "${meta.rack}"
            operator  = "!="
            value     = "r1"
          }
          group "api" {
            network {
              port "http" {
                to = 8080
              }
              port "admin" {
                static = 9000
              }
            }
            task "server" {
              driver = "docker"
            }
          }
        }
        """);

    UpdateStrategy d = UpdateStrategy.defaults();
    assertEquals(new UpdateStrategy(d.stagger(), 2, d.healthCheck(), Duration.ofSeconds(15),
        d.healthyDeadline(), d.progressDeadline(), true, false, 1, d.revertSkipsCanary()),
        job.update());
    assertEquals(List.of(new Constraint("${attr.kernel.name}", "linux", "="),
        new Constraint("${meta.rack}", "r1", "!=")), job.constraints());
    TaskGroup api = job.group("api");
    assertEquals(job.update(), api.update());
    assertEquals(List.of(new NetworkResource("host", null, null, null, 0,
        List.of(new Port("admin", 9000, 0, "default")),
        List.of(new Port("http", 0, 8080, "default")))), api.networks());
  }

  @Test
  void aGroupMayTurnOffRevertSkipsCanary() throws Exception {
    Job job = Jobspec.parse("svc.hcl", """
        job "svc" {
          update {
            canary = 1
          }
          group "api" {
            update {
              revert_skips_canary = false
            }
            task "server" {
              driver = "docker"
            }
          }
        }
        """);

    assertTrue(job.update().revertSkipsCanary());
    assertFalse(job.group("api").update().revertSkipsCanary());
    assertEquals(1, job.group("api").update().canary());
  }

  @Test
  void decodesPeriodicAndParameterizedBatchJobs() throws Exception {
    Job job = Jobspec.parse("cron.hcl", """
        job "cron" {
          type = "batch"
          periodic {
            crons            = ["*/15 * * * *"]
            prohibit_overlap = true
          }
          parameterized {
            payload       = "required"
            meta_required = ["customer"]
          }
          group "g" {
            task "t" {
              driver = "exec"
            }
          }
        }
        """);

    assertEquals(new PeriodicConfig(true, null, List.of("*/15 * * * *"), "cron", true, "UTC"),
        job.periodic());
    assertEquals(new ParameterizedJobConfig("required", List.of("customer"), List.of()),
        job.parameterizedJob());
  }

  @Test
  void rejectsAnUnknownPayloadMode() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("p.hcl", """
        job "p" {
          type = "batch"
          parameterized {
            payload = "sometimes"
          }
          group "g" {
            task "t" {
              driver = "exec"
            }
          }
        }
        """));

    assertEquals("p.hcl:4:5: payload must be optional, required or forbidden, got \"sometimes\"",
        e.errors().get(0).toString());
  }

  @Test
  void decodesServicesWithChecks() throws Exception {
    Job job = Jobspec.parse("svc.hcl", """
        job "svc" {
          group "g" {
            network {
              port "http" {}
            }
            service {
              name = "web"
              port = "http"
              tags = ["v1"]
              check {
                type     = "http"
                path     = "/health"
                interval = "5s"
                timeout  = "2s"
              }
            }
            task "t" {
              driver = "docker"
              service {
                name = "metrics"
                port = 9100
              }
            }
          }
        }
        """);

    Service web = job.group("g").services().get(0);
    assertEquals(List.of("web", "http", List.of("v1"), "nomad", "auto", "require_healthy"),
        List.of(web.name(), web.portLabel(), web.tags(), web.provider(), web.addressMode(),
            web.onUpdate()));
    ServiceCheck check = web.checks().get(0);
    assertEquals(List.of("service: \"web\" check", "http", "/health", Duration.ofSeconds(5),
        Duration.ofSeconds(2)), List.of(check.name(), check.type(), check.path(), check.interval(),
        check.timeout()));
    Service metrics = job.group("g").task("t").services().get(0);
    assertEquals(List.of("metrics", "9100", "t"),
        List.of(metrics.name(), metrics.portLabel(), metrics.taskName()));
    assertEquals(List.of(), metrics.checks());
  }

  @Test
  void decodesNomadsCheckOptions() throws Exception {
    Job job = Jobspec.parse("svc.hcl", """
        job "svc" {
          group "g" {
            network {
              port "http" {}
            }
            service {
              port                = "http"
              meta                = { version = "1" }
              canary_tags         = ["canary"]
              enable_tag_override = true
              check_restart {
                limit = 3
              }
              check {
                type           = "http"
                path           = "/health"
                method         = "POST"
                interval       = "5s"
                timeout        = "2s"
                initial_status = "passing"
                on_update      = "ignore_warnings"
                header {
                  Authorization = ["Basic x", 42]
                }
              }
            }
            task "t" {
              driver = "docker"
            }
          }
        }
        """);

    Service s = job.group("g").services().get(0);
    ServiceCheck c = s.checks().get(0);
    assertEquals(java.util.Map.of("version", "1"), s.meta());
    assertEquals(List.of("canary"), s.canaryTags());
    assertEquals(true, s.enableTagOverride());
    assertEquals("POST", c.method());
    assertEquals(java.util.Map.of("Authorization", List.of("Basic x", "42")), c.header());
    assertEquals("passing", c.initialStatus());
    assertEquals("ignore_warnings", c.onUpdate());
    assertEquals(new dev.caravan.cluster.structs.CheckRestart(3, Duration.ofSeconds(1), false),
        c.checkRestart(), "a service's check_restart applies to its checks");
  }

  @Test
  void refusesUnsupportedFeaturesByName() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("s.hcl", """
        job "s" {
          group "g" {
            task "t" {
              driver = "exec"
              vault {
                policies = ["p"]
              }
            }
          }
        }
        """));

    assertEquals("s.hcl:5:7: vault is not supported by Caravan: Caravan has no Vault integration; "
        + "pass secrets through a template or the driver", e.errors().get(0).toString());
  }

  @Test
  void rejectsTopLevelAttributes() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("a.hcl", """
        region = "eu"
        job "a" {
          group "g" {
            task "t" {
              driver = "exec"
            }
          }
        }
        """));

    assertTrue(e.errors().get(0).toString().startsWith("a.hcl:1:1: unexpected top-level attribute"),
        e.errors().get(0).toString());
  }
}
