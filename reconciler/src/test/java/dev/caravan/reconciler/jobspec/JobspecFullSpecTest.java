package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.caravan.cluster.structs.Affinity;
import dev.caravan.cluster.structs.Constraint;
import dev.caravan.cluster.structs.DispatchPayload;
import dev.caravan.cluster.structs.EphemeralDisk;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.LogConfig;
import dev.caravan.cluster.structs.MigrateStrategy;
import dev.caravan.cluster.structs.ReschedulePolicy;
import dev.caravan.cluster.structs.RestartPolicy;
import dev.caravan.cluster.structs.Spread;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskArtifact;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.TaskLifecycle;
import dev.caravan.cluster.structs.Template;
import dev.caravan.cluster.structs.UpdateStrategy;
import dev.caravan.cluster.structs.VolumeMount;
import dev.caravan.cluster.structs.VolumeRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every block of the job specification, decoded into the records with Nomad's merging. */
class JobspecFullSpecTest {

  static final String FULL = """
      job "shop" {
        type        = "service"
        node_pool   = "edge"
        all_at_once = false
        affinity {
          attribute = "${meta.team}"
          value     = "web"
          weight    = 40
        }
        spread {
          attribute = "${node.datacenter}"
          weight    = 80
          target "dc1" {
            percent = 60
          }
          target "dc2" {
            percent = 40
          }
        }
        constraint {
          distinct_hosts = true
        }
        constraint {
          attribute = "${attr.kernel.name}"
          regexp    = "linux|darwin"
        }
        update {
          max_parallel = 2
          canary       = 1
        }
        reschedule {
          delay = "1m"
        }

        group "web" {
          count                 = 3
          shutdown_delay        = "5s"
          max_client_disconnect = "1h"
          update {
            auto_revert = true
          }
          restart {
            attempts = 5
            mode     = "delay"
          }
          reschedule {
            attempts  = 10
            interval  = "1h"
            unlimited = false
            delay_function = "constant"
          }
          ephemeral_disk {
            size   = 500
            sticky = true
          }
          migrate {
            max_parallel = 2
          }
          volume "data" {
            type      = "host"
            source    = "shop-data"
            read_only = true
          }
          network {
            port "http" {
              to = 8080
            }
            port "admin" {
              static = 9000
            }
          }
          service {
            name = "shop"
            port = "http"
            check {
              type     = "tcp"
              interval = "10s"
              timeout  = "2s"
            }
          }

          task "init" {
            driver = "exec"
            lifecycle {
              hook    = "prestart"
              sidecar = false
            }
            config {
              command = "/bin/true"
            }
          }

          task "server" {
            driver         = "docker"
            leader         = true
            kill_signal    = "SIGTERM"
            kill_timeout   = "20s"
            shutdown_delay = "3s"
            config {
              image = "shop:1"
              ports = ["http"]
            }
            restart {
              attempts = 1
            }
            logs {
              max_files     = 3
              max_file_size = 20
            }
            resources {
              cpu        = 250
              memory     = 128
              memory_max = 256
            }
            artifact {
              source      = "https://example.com/shop.tar.gz"
              destination = "local/shop"
              options {
                checksum = "sha256:abc"
              }
            }
            artifact {
              source = "https://example.com/cfg.json"
              mode   = "file"
            }
            template {
              data        = "PORT={{ env \\"NOMAD_PORT_http\\" }}"
              destination = "secrets/app.env"
              env         = true
              change_mode = "signal"
              change_signal = "SIGHUP"
            }
            volume_mount {
              volume      = "data"
              destination = "/srv/data"
              read_only   = true
            }
          }
        }
      }
      """;

  @Test
  void decodesJobLevelPlacementBlocks() throws Exception {
    Job job = Jobspec.parse("shop.hcl", FULL);

    assertEquals("edge", job.nodePool());
    assertEquals(List.of(new Affinity("${meta.team}", "web", "=", 40)), job.affinities());
    assertEquals(List.of(new Spread("${node.datacenter}", 80, List.of(
        new Spread.SpreadTarget("dc1", 60), new Spread.SpreadTarget("dc2", 40)))), job.spreads());
    assertEquals(List.of(new Constraint("", "", "distinct_hosts"),
        new Constraint("${attr.kernel.name}", "linux|darwin", "regexp")), job.constraints());
  }

  @Test
  void mergesGroupBlocksOverJobBlocksAndTypeDefaults() throws Exception {
    TaskGroup web = Jobspec.parse("shop.hcl", FULL).group("web");

    UpdateStrategy d = UpdateStrategy.defaults();
    assertEquals(new UpdateStrategy(d.stagger(), 2, d.healthCheck(), d.minHealthyTime(),
        d.healthyDeadline(), d.progressDeadline(), true, false, 1, d.revertSkipsCanary()),
        web.update());
    assertEquals(new RestartPolicy(5, Duration.ofMinutes(30), Duration.ofSeconds(15), "delay", false),
        web.restartPolicy());
    assertEquals(new ReschedulePolicy(10, Duration.ofHours(1), Duration.ofMinutes(1), "constant",
        Duration.ofHours(1), false), web.reschedulePolicy());
    assertEquals(new EphemeralDisk(true, 500, false), web.ephemeralDisk());
    assertEquals(new MigrateStrategy(2, "checks", Duration.ofSeconds(10), Duration.ofMinutes(5)),
        web.migrate());
    assertEquals(Duration.ofSeconds(5), web.shutdownDelay());
    assertEquals(Duration.ofHours(1), web.maxClientDisconnect());
    assertEquals(Map.of("data", new VolumeRequest("data", "host", "shop-data", true, null, null, false)),
        web.volumes());
  }

  @Test
  void decodesEveryTaskBlock() throws Exception {
    TaskGroup web = Jobspec.parse("shop.hcl", FULL).group("web");
    Task server = web.task("server");

    assertEquals(new TaskLifecycle("prestart", false), web.task("init").lifecycle());
    assertEquals(true, server.leader());
    assertEquals("SIGTERM", server.killSignal());
    assertEquals(Duration.ofSeconds(20), server.killTimeout());
    assertEquals(Duration.ofSeconds(3), server.shutdownDelay());
    assertEquals(new RestartPolicy(1, Duration.ofMinutes(30), Duration.ofSeconds(15), "delay", false),
        server.restartPolicy(), "a task's restart merges over its group's");
    assertEquals(new LogConfig(3, 20, false), server.logConfig());
    assertEquals(List.of(
        new TaskArtifact("https://example.com/shop.tar.gz", Map.of("checksum", "sha256:abc"),
            Map.of(), "any", "local/shop"),
        new TaskArtifact("https://example.com/cfg.json", Map.of(), Map.of(), "file",
            "local/cfg.json")), server.artifacts());
    assertEquals(List.of(new Template(null, "secrets/app.env", "PORT={{ env \"NOMAD_PORT_http\" }}",
        "signal", "SIGHUP", Duration.ofSeconds(5), "0644", "{{", "}}", true)), server.templates());
    assertEquals(List.of(new VolumeMount("data", "/srv/data", true, "private")),
        server.volumeMounts());
    assertNull(server.dispatchPayload());
  }

  @Test
  void systemAndSysbatchJobsGetNoRescheduleAndBatchNoUpdate() throws Exception {
    for (String type : List.of("system", "sysbatch", "batch")) {
      Job job = Jobspec.parse("s.hcl", """
          job "s" {
            type = "%s"
            group "g" {
              task "t" {
                driver = "exec"
              }
            }
          }
          """.formatted(type));

      TaskGroup g = job.group("g");
      assertEquals(type.equals("batch") ? ReschedulePolicy.batchDefaults() : null,
          g.reschedulePolicy(), type);
      assertNull(g.update(), type);
      assertNull(g.migrate(), type);
      assertEquals(type.equals("system") ? RestartPolicy.serviceDefaults()
          : RestartPolicy.batchDefaults(), g.restartPolicy(), type);
      assertEquals(EphemeralDisk.defaults(), g.ephemeralDisk(), type);
    }
  }

  @Test
  void decodesDispatchPayloadInAParameterizedJob() throws Exception {
    Job job = Jobspec.parse("p.hcl", """
        job "p" {
          type = "batch"
          parameterized {
            payload       = "required"
            meta_required = ["customer"]
          }
          group "g" {
            task "t" {
              driver = "exec"
              dispatch_payload {
                file = "input.json"
              }
            }
          }
        }
        """);

    assertEquals(new DispatchPayload("input.json"), job.group("g").task("t").dispatchPayload());
  }

  @Test
  void keepsExplicitZerosWhereNomadKeepsThem() throws Exception {
    Job job = Jobspec.parse("z.hcl", """
        job "z" {
          update {
            max_parallel = 0
          }
          group "g" {
            count = 0
            task "t" {
              driver       = "exec"
              kill_timeout = "0s"
            }
          }
        }
        """);

    assertEquals(0, job.group("g").count());
    assertEquals(0, job.update().maxParallel());
    assertEquals(Duration.ZERO, job.group("g").task("t").killTimeout());
  }

  @Test
  void namesUnnamedServicesAndChecksAsNomadDoes() throws Exception {
    Job job = Jobspec.parse("n.hcl", """
        job "n" {
          group "g" {
            network {
              port "http" {}
            }
            service {
              port = "http"
              check {
                type     = "http"
                path     = "/"
                interval = "5s"
                timeout  = "1s"
              }
            }
            task "t" {
              driver = "exec"
            }
          }
        }
        """);

    assertEquals("n-g", job.group("g").services().get(0).name());
    assertEquals("service: \"n-g\" check", job.group("g").services().get(0).checks().get(0).name());
  }
}
