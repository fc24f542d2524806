package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.reconciler.jobspec.Jobspec;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jobs as Nomad's own clients send them to the API (the nomad CLI's {@code job run -output},
 * the Go api package, Terraform): unset fields left out or sent as null take Nomad's defaults.
 * Fixtures in {@code src/test/resources/nomad-json/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NomadShapedJobApiTest {
  private static final ObjectMapper JSON = NomadJson.mapper();
  @TempDir static Path dir;
  private Agent agent;
  private String url;

  @BeforeAll
  void startAgent() throws Exception {
    agent = TestAgent.serverOnly(dir);
    url = "http://127.0.0.1:" + agent.httpPort();
  }

  @AfterAll
  void stopAgent() {
    agent.close();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path))
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String fixture(String name) throws Exception {
    try (InputStream in = NomadShapedJobApiTest.class.getResourceAsStream("/nomad-json/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** {@code body} with the job's ID (and Name) changed, so that tests do not share a job. */
  private static String withId(String body, String id) throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(body);
    ((ObjectNode) root.get("Job")).put("ID", id).put("Name", id);
    return JSON.writeValueAsString(root);
  }

  private JsonNode registered(String id) throws Exception {
    HttpResponse<String> r = send("GET", "/v1/job/" + id, "");
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  @Test
  void aMinimalJobIsRegisteredWithNomadsDefaults() throws Exception {
    HttpResponse<String> r = send("POST", "/v1/jobs", fixture("minimal.json"));

    assertEquals(200, r.statusCode(), r.body());
    assertFalse(JSON.readTree(r.body()).path("EvalID").asText().isEmpty(), r.body());
    JsonNode job = registered("web");
    JsonNode group = job.at("/TaskGroups/0");
    JsonNode task = group.at("/Tasks/0");
    assertEquals(50, job.path("Priority").asInt());
    assertEquals("default", job.path("Namespace").asText());
    assertEquals(1, group.path("Count").asInt());
    assertEquals(300, group.at("/EphemeralDisk/SizeMB").asInt());
    assertEquals(1, group.at("/Update/MaxParallel").asInt());
    assertEquals("exponential", group.at("/ReschedulePolicy/DelayFunction").asText());
    assertEquals(2, group.at("/RestartPolicy/Attempts").asInt());
    assertEquals(JSON.readTree("{\"CPU\":100,\"Cores\":0,\"MemoryMB\":64,\"MemoryMaxMB\":0,"
        + "\"DiskMB\":0}"), task.path("Resources"));
    assertEquals(Duration.ofSeconds(5).toNanos(), task.path("KillTimeout").asLong());
    assertEquals(10, task.at("/LogConfig/MaxFiles").asInt());
    assertFalse(task.path("Leader").asBoolean());
  }

  @ParameterizedTest
  @ValueSource(strings = {"minimal.json", "run-output.json", "batch-periodic.json",
      "canonicalized.json"})
  void everyNomadShapedJobRegistersWithPut(String file) throws Exception {
    String body = withId(fixture(file), "put-" + file.replace(".json", ""));

    HttpResponse<String> r = send("PUT", "/v1/jobs", body);

    assertEquals(200, r.statusCode(), r.body());
    assertTrue(JSON.readTree(r.body()).has("EvalID"), r.body());
    registered("put-" + file.replace(".json", ""));
  }

  @Test
  void theBatchJobKeepsWhatItSetAndTakesTheRest() throws Exception {
    assertEquals(200, send("PUT", "/v1/job/nightly", fixture("batch-periodic.json")).statusCode());

    JsonNode job = registered("nightly");
    JsonNode group = job.at("/TaskGroups/0");
    JsonNode task = group.at("/Tasks/0");
    assertEquals("nightly", job.path("Name").asText());
    assertTrue(job.at("/Periodic/Enabled").asBoolean());
    assertTrue(job.at("/Periodic/ProhibitOverlap").asBoolean());
    assertEquals(JSON.readTree("{\"Attempts\":2,\"Interval\":86400000000000,\"Delay\":5000000000,"
        + "\"DelayFunction\":\"constant\",\"MaxDelay\":0,\"Unlimited\":false}"),
        group.path("ReschedulePolicy"));
    assertEquals(1, group.at("/RestartPolicy/Attempts").asInt());
    assertEquals(Duration.ofHours(24).toNanos(), group.at("/RestartPolicy/Interval").asLong());
    assertEquals(500, group.at("/EphemeralDisk/SizeMB").asInt());
    assertEquals(100, task.at("/Resources/CPU").asInt());
    assertEquals(300, task.at("/Resources/MemoryMB").asInt());
    assertEquals(2, task.at("/LogConfig/MaxFiles").asInt());
    assertEquals(10, task.at("/LogConfig/MaxFileSizeMB").asInt());
    assertEquals(Duration.ofSeconds(20).toNanos(), task.path("KillTimeout").asLong());
    assertEquals("restart", task.at("/Templates/0/ChangeMode").asText());
    assertEquals("0644", task.at("/Templates/0/Perms").asText());
    assertTrue(task.at("/Templates/0/Envvars").asBoolean());
  }

  private String planDiffType(String id, String jobJson) throws Exception {
    ObjectNode body = (ObjectNode) JSON.readTree(jobJson);
    body.put("Diff", true);
    HttpResponse<String> r = send("PUT", "/v1/job/" + id + "/plan", JSON.writeValueAsString(body));
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).at("/Diff/Type").asText() + " " + r.body();
  }

  @Test
  void theSameJobWithItsUnsetFieldsSentAsNullPlansAsNoChange() throws Exception {
    String leftOut = withId(fixture("minimal.json"), "nulls");
    ObjectNode nulls = (ObjectNode) JSON.readTree(leftOut);
    ObjectNode job = (ObjectNode) nulls.get("Job");
    ObjectNode group = (ObjectNode) job.at("/TaskGroups/0");
    ObjectNode task = (ObjectNode) group.at("/Tasks/0");
    for (String f : new String[] {"Priority", "Region", "Namespace", "Update", "Periodic",
        "Stop", "AllAtOnce", "Version"}) {
      job.putNull(f);
    }
    for (String f : new String[] {"Count", "RestartPolicy", "EphemeralDisk", "Update",
        "Migrate", "ReschedulePolicy", "Networks", "Services"}) {
      group.putNull(f);
    }
    for (String f : new String[] {"KillTimeout", "LogConfig", "RestartPolicy", "Leader"}) {
      task.putNull(f);
    }
    ((ObjectNode) task.get("Resources")).putNull("Cores").putNull("MemoryMaxMB").putNull("DiskMB");
    assertEquals(200, send("POST", "/v1/jobs", leftOut).statusCode());

    String diff = planDiffType("nulls", JSON.writeValueAsString(nulls));
    group.put("Count", 2);
    String changed = planDiffType("nulls", JSON.writeValueAsString(nulls));

    assertTrue(diff.startsWith("None "), diff);
    assertTrue(changed.startsWith("Edited "), changed);
  }

  @Test
  void theJobOfAnHclFilePlansAsNoChangeWhenNomadsCliSendsIt() throws Exception {
    agent.server().registerJob(new Cluster.JobRegisterRequest(Jobspec.parse("cache.hcl", """
        job "cache" {
          datacenters = ["dc1"]
          group "cache" {
            network {
              port "db" {
                to = 6379
              }
            }
            service {
              name     = "redis-cache"
              tags     = ["cache"]
              port     = "db"
              provider = "nomad"
              check {
                name     = "alive"
                type     = "tcp"
                interval = "10s"
                timeout  = "2s"
              }
            }
            task "redis" {
              driver = "mock"
              config {
                run_for = "1h"
              }
              resources {
                cpu    = 500
                memory = 256
              }
            }
          }
        }
        """), false, 0));

    String diff = planDiffType("cache", fixture("run-output.json"));
    String changed = planDiffType("cache", fixture("run-output.json").replace("\"CPU\": 500",
        "\"CPU\": 600"));

    assertTrue(diff.startsWith("None "), diff);
    assertTrue(changed.startsWith("Edited "), changed);
  }

  record Bad(String name, String method, String path, String body, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> badJobs() throws Exception {
    String minimal = fixture("minimal.json");
    return Stream.of(
        new Bad("no ID", "PUT", "/v1/jobs", minimal.replace("\"ID\":\"web\",", ""),
            "Job.ID: missing"),
        new Bad("no driver", "POST", "/v1/job/web", minimal.replace("\"Driver\":\"mock\",", ""),
            "Job.TaskGroups[0].Tasks[0].Driver: missing"),
        new Bad("a count that is not a number", "PUT", "/v1/jobs",
            minimal.replace("\"Name\":\"g\",", "\"Name\":\"g\",\"Count\":\"two\","),
            "Job.TaskGroups[0].Count: "),
        new Bad("an explicit CPU of 0", "PUT", "/v1/jobs",
            minimal.replace("\"CPU\":100", "\"CPU\":0"),
            "Job.TaskGroups[0].Tasks[0].Resources.CPU: cpu must be >= 1 MHz, got 0"),
        new Bad("a plan without driver", "PUT", "/v1/job/web/plan",
            minimal.replace("\"Driver\":\"mock\",", ""),
            "Job.TaskGroups[0].Tasks[0].Driver: missing"),
        new Bad("a plan with a count that is not a number", "POST", "/v1/job/web/plan",
            minimal.replace("\"Name\":\"g\",", "\"Name\":\"g\",\"Count\":\"two\","),
            "Job.TaskGroups[0].Count: "));
  }

  @ParameterizedTest
  @MethodSource("badJobs")
  void aJobNomadWouldRefuseIsA400NamingTheField(Bad c) throws Exception {
    long before = agent.server().state().index();

    HttpResponse<String> r = send(c.method(), c.path(), c.body());

    assertEquals(400, r.statusCode(), r.body());
    String error = JSON.readTree(r.body()).path("error").asText();
    assertTrue(error.startsWith(c.error()), error);
    assertEquals(before, agent.server().state().index(), "nothing was proposed");
  }
}
