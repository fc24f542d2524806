package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HCL2: typed variables, -var and -var-file values, locals, functions, heredocs. */
class JobspecHcl2Test {

  private static final String TYPED = """
      variable "count" {
        type    = number
        default = 2
      }
      variable "canary" {
        type    = bool
        default = false
      }
      variable "dcs" {
        type    = list(string)
        default = ["dc1"]
      }
      variable "image" {
        type = string
      }
      locals {
        tag   = "v-${var.image}"
        upper = upper(var.image)
      }
      job "typed" {
        datacenters = var.dcs
        group "g" {
          count = var.count
          task "t" {
            driver = "docker"
            config {
              image  = "${var.image}:${local.tag}"
              name   = local.upper
              quiet  = var.canary
              script = <<-EOT
                echo ${var.image}
                  echo ${NOMAD_TASK_DIR}
                EOT
            }
          }
        }
      }
      """;

  @Test
  void usesDefaultsLocalsFunctionsAndIndentedHeredocs() throws Exception {
    Job job = Jobspec.parse("typed.hcl", TYPED, Map.of("image", "shop"));

    Task t = job.group("g").task("t");
    assertEquals(2, job.group("g").count());
    assertEquals(List.of("dc1"), job.datacenters());
    assertEquals("shop:v-shop", t.config().get("image"));
    assertEquals("SHOP", t.config().get("name"));
    assertEquals(false, t.config().get("quiet"));
    assertEquals("echo shop\n  echo ${NOMAD_TASK_DIR}\n", t.config().get("script"));
  }

  @Test
  void convertsCommandLineValuesToTheDeclaredTypes() throws Exception {
    Job job = Jobspec.parse("typed.hcl", TYPED,
        Map.of("image", "shop", "count", "5", "canary", "true", "dcs", "[\"eu1\", \"eu2\"]"));

    assertEquals(5, job.group("g").count());
    assertEquals(List.of("eu1", "eu2"), job.datacenters());
    assertEquals(true, job.group("g").task("t").config().get("quiet"));
  }

  @Test
  void aValueThatDoesNotFitItsTypeIsAnErrorAtTheVariable() {
    JobspecException e = assertThrows(JobspecException.class,
        () -> Jobspec.parse("typed.hcl", TYPED, Map.of("image", "shop", "count", "many")));

    assertEquals("typed.hcl:1:1: variable \"count\" is a number, got \"many\"",
        e.errors().get(0).toString());
  }

  @Test
  void varFileValuesApplyAndCommandLineValuesWin() throws Exception {
    Map<String, Object> file = Jobspec.parseVarFile("prod.vars.hcl", """
        image = "from-file"
        count = 7
        """);

    Job fromFile = Jobspec.parse("typed.hcl", TYPED, Map.of(), file);
    Job both = Jobspec.parse("typed.hcl", TYPED, Map.of("image", "from-cli"), file);

    assertEquals(7, fromFile.group("g").count());
    assertEquals("from-file:v-from-file", fromFile.group("g").task("t").config().get("image"));
    assertEquals("from-cli:v-from-cli", both.group("g").task("t").config().get("image"));
  }

  @Test
  void aVarFileHoldsNoBlocks() {
    JobspecException e = assertThrows(JobspecException.class,
        () -> Jobspec.parseVarFile("v.hcl", "job \"x\" {\n}\n"));

    assertEquals("v.hcl:1:1: a variables file holds NAME = VALUE lines, not blocks",
        e.errors().get(0).toString());
  }

  @Test
  void anUndefinedLocalIsAnErrorAtItsUse() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("l.hcl", """
        job "l" {
          group "g" {
            task "t" {
              driver = "exec"
              config {
                command = local.missing
              }
            }
          }
        }
        """));

    assertEquals("l.hcl:6:19: undefined local.missing: declare it in a locals block",
        e.errors().get(0).toString());
  }

  @Test
  void aHeredocInsideAListKeepsLaterLinesInPlace() throws Exception {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("h.hcl", """
        job "h" {
          group "g" {
            task "t" {
              driver = "exec"
              config {
                args = ["-c", <<EOF
        echo "quoted" \\ and ${NOMAD_ALLOC_ID}
        EOF
                ]
              }
              resources {
                memory = 1
              }
            }
          }
        }
        """));

    assertEquals("h.hcl:12:9: memory must be >= 10 MiB, got 1", e.errors().get(0).toString());
  }

  @Test
  void heredocsKeepQuotesBackslashesAndRuntimeInterpolations() throws Exception {
    Job job = Jobspec.parse("h.hcl", """
        job "h" {
          group "g" {
            task "t" {
              driver = "exec"
              config {
                args = ["-c", <<EOF
        echo "quoted" \\ and ${NOMAD_ALLOC_ID} $${literal}
        EOF
                ]
              }
            }
          }
        }
        """);

    assertEquals(List.of("-c", "echo \"quoted\" \\ and ${NOMAD_ALLOC_ID} ${literal}\n"),
        job.group("g").task("t").config().get("args"));
  }

  @Test
  void functionsThatReadFilesOrTheClockAreRefusedByName() {
    for (String call : List.of("file(\"../../etc/passwd\")", "file(\"/etc/passwd\")",
        "timestamp()", "uuid()")) {
      JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("f.hcl", """
          job "f" {
            meta {
              x = %s
            }
            group "g" {
              task "t" {
                driver = "exec"
              }
            }
          }
          """.formatted(call)), call);

      String name = call.substring(0, call.indexOf('('));
      assertEquals(3, e.errors().get(0).line(), call);
      assertEquals(true, e.errors().get(0).message().startsWith(
          name + "() is not supported by Caravan: a job file "), e.errors().get(0).message());
    }
  }

  @Test
  void anUnknownFunctionIsAnErrorNotANull() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("u.hcl", """
        job "u" {
          meta {
            x = nosuch(1)
          }
          group "g" {
            task "t" {
              driver = "exec"
            }
          }
        }
        """));

    assertEquals(3, e.errors().get(0).line());
    assertEquals(true, e.errors().get(0).message().startsWith("unknown function nosuch(): "),
        e.errors().get(0).message());
  }

  @Test
  void offersDeterministicUuidv5() throws Exception {
    Job job = Jobspec.parse("u.hcl", """
        job "u" {
          meta {
            id = uuidv5("dns", "example.com")
          }
          group "g" {
            task "t" {
              driver = "exec"
            }
          }
        }
        """);

    assertEquals("cfbff0d1-9375-5685-968c-48ce8b15ae17", job.meta().get("id"));
  }
}
