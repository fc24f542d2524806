package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobspecVariablesTest {

  private static final String APP = """
      variable "tag" {
        default = "1.0"
      }
      variable "dc" {
        default = "dc1"
      }
      job "app" {
        datacenters = [var.dc]
        group "g" {
          task "t" {
            driver = "docker"
            config {
              image = "app:${var.tag}"
              os    = "${attr.kernel.name}"
            }
          }
        }
      }
      """;

  @Test
  void usesDefaultsOfDeclaredVariables() throws Exception {
    Job job = Jobspec.parse("app.hcl", APP);

    Task t = job.group("g").task("t");
    assertEquals("app:1.0", t.config().get("image"));
    assertEquals("${attr.kernel.name}", t.config().get("os"));
    assertEquals(List.of("dc1"), job.datacenters());
  }

  @Test
  void givenValuesOverrideDefaults() throws Exception {
    Job job = Jobspec.parse("app.hcl", APP, Map.of("tag", "2.0", "dc", "dc9"));

    assertEquals("app:2.0", job.group("g").task("t").config().get("image"));
    assertEquals(List.of("dc9"), job.datacenters());
  }

  @Test
  void aVariableWithoutDefaultOrValueIsAnError() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("nv.hcl", """
        variable "tag" {}
        job "nv" {
          group "g" {
            task "t" {
              driver = "docker"
              config {
                image = "app:${var.tag}"
              }
            }
          }
        }
        """));

    assertEquals("nv.hcl:1:1: variable \"tag\" has no default and no value was given",
        e.errors().get(0).toString());
  }

  @Test
  void anUndefinedVariableInAStringIsAnError() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("u.hcl", """
        job "u" {
          group "g" {
            task "t" {
              driver = "docker"
              config {
                image = "app:${var.nope}"
              }
            }
          }
        }
        """));

    assertEquals("var.nope", e.errors().get(0).path());
  }
}
