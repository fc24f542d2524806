package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.cluster.structs.NomadJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code caravan job validate} and {@code caravan job run -output}: no agent needed. */
class JobCommandTest {
  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static final String JOB = """
      variable "image" {
        type = string
      }
      variable "count" {
        type    = number
        default = 1
      }
      job "app" {
        group "g" {
          count = var.count
          task "t" {
            driver = "docker"
            config {
              image = var.image
            }
          }
        }
      }
      """;

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void validatePrintsEveryErrorAsFileLineColumnAndExitsOne() throws Exception {
    Path bad = tmp.resolve("bad.hcl");
    Files.writeString(bad, """
        job "bad" {
          priority = 500
          group "g" {
            task "t" {
              driver = "qemu"
            }
          }
        }
        """);

    assertEquals(1, run("job", "validate", bad.toString()));

    assertEquals(bad + ":2:3: job priority must be between 1 and 100, got 500\n"
        + bad + ":5:7: driver \"qemu\" is not supported by Caravan: its drivers are docker, exec, "
        + "java, mock, raw_exec\n", err.toString());
  }

  @Test
  void validateTakesVarAndVarFile() throws Exception {
    Path job = tmp.resolve("app.hcl");
    Files.writeString(job, JOB);
    Path vars = tmp.resolve("prod.hcl");
    Files.writeString(vars, "image = \"app:2\"\n");

    assertEquals(1, run("job", "validate", job.toString()));
    assertTrue(err.toString().contains("variable \"image\" has no default and no value was given"),
        err.toString());
    assertEquals(0, run("job", "validate", "-var", "image=app:1", job.toString()));
    assertEquals(0, run("job", "validate", "-var-file", vars.toString(), job.toString()));
    assertTrue(out.toString().contains(job + ": Job validation successful"), out.toString());
  }

  @Test
  void runOutputPrintsTheApiJsonWithVariablesApplied() throws Exception {
    Path job = tmp.resolve("app.hcl");
    Files.writeString(job, JOB);
    Path vars = tmp.resolve("prod.hcl");
    Files.writeString(vars, "image = \"app:2\"\ncount = 3\n");

    assertEquals(0, run("job", "run", "-output", "-var-file", vars.toString(), "-var", "count=4",
        job.toString()));

    JsonNode body = NomadJson.mapper().readTree(out.toString());
    JsonNode group = body.get("Job").get("TaskGroups").get(0);
    assertEquals(4, group.get("Count").asInt());
    assertEquals("app:2", group.get("Tasks").get(0).get("Config").get("image").asText());
    assertEquals("", err.toString());
  }

  @Test
  void aMalformedVarIsOneErrorLine() throws Exception {
    Path job = tmp.resolve("app.hcl");
    Files.writeString(job, JOB);

    assertEquals(1, run("job", "run", "-output", "-var", "image", job.toString()));

    assertEquals("Error: -var takes KEY=VALUE, got \"image\"\n", err.toString());
  }

  @Test
  void aBrokenVarFileReportsItsOwnPosition() throws Exception {
    Path job = tmp.resolve("app.hcl");
    Files.writeString(job, JOB);
    Path vars = tmp.resolve("bad.vars");
    Files.writeString(vars, "image = \"x\"\nimage = \"y\"\n");

    assertEquals(1, run("job", "validate", "-var-file", vars.toString(), job.toString()));

    assertEquals(vars + ":2:1: attribute \"image\" is repeated (first set at 1:1)\n", err.toString());
  }
}
