package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code POST /v1/job/:id/plan} and {@code caravan job plan} on one in-process agent. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobPlanApiTest {
  private static final ObjectMapper JSON = NomadJson.mapper();
  @TempDir static Path dir;
  private TestAgent agent;

  @BeforeAll
  void start() throws Exception {
    agent = new TestAgent(dir.resolve("agent"));
    E2e.awaitTrue(() -> agent.agent.server().isLeader()
        && !agent.agent.server().state().nodes().isEmpty(), "a leader with a ready node");
  }

  @AfterAll
  void stop() {
    agent.close();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(agent.address + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String planBody(Job job) throws Exception {
    return JSON.writeValueAsString(Map.of("Job", job, "Diff", true));
  }

  private record Cli(int code, String out, String err) {}

  private Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  private static Path jobFile(String id, String script) throws Exception {
    Path f = dir.resolve(id + "-" + script.hashCode() + ".hcl");
    Files.writeString(f, """
        job "%s" {
          datacenters = ["*"]
          group "g" {
            task "main" {
              driver = "raw_exec"
              config {
                command = "/bin/sh"
                args    = ["-c", "%s"]
              }
            }
          }
        }
        """.formatted(id, script));
    return f;
  }

  @Test
  void plansANewJobWithoutRegisteringIt() throws Exception {
    HttpResponse<String> r = post("/v1/job/fresh/plan",
        planBody(TestAgent.shellJob("fresh", "service", "sleep 300")));

    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertEquals(0, body.path("JobModifyIndex").asLong());
    assertEquals("Added", body.path("Diff").path("Type").asText());
    assertEquals(1, body.path("Annotations").path("DesiredTGUpdates").path("g").path("Place")
        .asInt());
    assertTrue(body.path("FailedTGAllocs").isEmpty(), r.body());
    assertEquals(404, agent.get("/v1/job/fresh").statusCode());
    assertTrue(agent.agent.server().state().evalsByJob("default", "fresh").isEmpty());
  }

  @Test
  void theCliPlansThenRunsWithTheCheckIndexItPrinted() throws Exception {
    Path v1 = jobFile("cliweb", "sleep 300");
    Path v2 = jobFile("cliweb", "sleep 301");

    Cli fresh = cli("job", "plan", "-address", agent.address, v1.toString());
    assertEquals(1, fresh.code(), fresh.err());
    assertTrue(fresh.out().startsWith("+ Job: \"cliweb\"\n"), fresh.out());
    assertTrue(fresh.out().contains("+ Task Group: \"g\" (1 create)"), fresh.out());
    assertTrue(fresh.out().contains("- All tasks successfully allocated."), fresh.out());
    assertTrue(fresh.out().contains("caravan job run -check-index 0 " + v1), fresh.out());

    Cli run = cli("job", "run", "-detach", "-check-index", "0", "-address", agent.address,
        v1.toString());
    assertEquals(0, run.code(), run.err());
    long jmi = agent.agent.server().state().job("default", "cliweb").orElseThrow()
        .jobModifyIndex();
    E2e.awaitTrue(() -> !agent.agent.server().state().allocsByJob("default", "cliweb")
        .isEmpty(), "the allocation placed");

    Cli same = cli("job", "plan", "-address", agent.address, v1.toString());
    assertEquals(0, same.code(), same.out() + same.err());
    assertTrue(same.out().contains("Task Group: \"g\" (1 ignore)"), same.out());

    Cli changed = cli("job", "plan", "-address", agent.address, v2.toString());
    assertEquals(1, changed.code(), changed.err());
    assertTrue(changed.out().contains("+/- Task: \"main\" (forces create/destroy update)"),
        changed.out());
    assertTrue(changed.out().contains("+/- args[1]: \"sleep 300\" => \"sleep 301\""),
        changed.out());
    assertTrue(changed.out().contains("Job Modify Index: " + jmi), changed.out());

    Cli stale = cli("job", "run", "-detach", "-check-index", Long.toString(jmi + 1000),
        "-address", agent.address, v2.toString());
    assertEquals(1, stale.code());
    Cli fresh2 = cli("job", "run", "-detach", "-check-index", Long.toString(jmi),
        "-address", agent.address, v2.toString());
    assertEquals(0, fresh2.code(), fresh2.err());
  }

  @Test
  void theCliExits255WhenTheAgentCannotBeReached() throws Exception {
    Cli r = cli("job", "plan", "-address", "http://127.0.0.1:1", jobFile("x", "true").toString());

    assertEquals(255, r.code());
    assertTrue(r.err().startsWith("Error: cannot reach the agent"), r.err());
  }

  record BadInput(String name, String path, String body, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<BadInput> badInputs() throws Exception {
    ObjectNode job = JSON.valueToTree(TestAgent.shellJob("bad", "service", "true"));
    ObjectNode wrongType = job.deepCopy();
    ((ObjectNode) wrongType.withArray("TaskGroups").get(0)).put("Count", "three");
    ObjectNode negative = job.deepCopy();
    ((ObjectNode) negative.withArray("TaskGroups").get(0)).put("Count", -1);
    return Stream.of(
        new BadInput("malformed JSON", "/v1/job/bad/plan", "{\"Job\": {", "request body is not JSON"),
        new BadInput("no job", "/v1/job/bad/plan", "{\"Diff\": true}", "Job: must be an object"),
        new BadInput("wrong field type", "/v1/job/bad/plan",
            JSON.writeValueAsString(Map.of("Job", wrongType)), "Job.TaskGroups[0].Count: "),
        new BadInput("negative count", "/v1/job/bad/plan",
            JSON.writeValueAsString(Map.of("Job", negative)), "count must be >= 0"),
        new BadInput("ID not matching the path", "/v1/job/other/plan",
            JSON.writeValueAsString(Map.of("Job", job)), "Job.ID: \"bad\" does not match"),
        new BadInput("Diff not a boolean", "/v1/job/bad/plan",
            JSON.writeValueAsString(Map.of("Job", job, "Diff", "yes")), "Diff: must be a boolean"));
  }

  @ParameterizedTest
  @MethodSource("badInputs")
  void badInputAnswers400NamingTheField(BadInput c) throws Exception {
    HttpResponse<String> r = post(c.path(), c.body());

    assertEquals(400, r.statusCode(), r.body());
    String error = JSON.readTree(r.body()).path("error").asText();
    assertTrue(error.contains(c.error()), error);
    assertTrue(agent.agent.server().state().job("default", "bad").isEmpty());
  }

  @Test
  void aJobThatCannotBePlacedReportsTheFailedGroup() throws Exception {
    Job job = TestAgent.shellJob("huge", "service", "true");
    job = job.toBuilder().taskGroups(List.of(job.taskGroups().get(0).toBuilder().tasks(List.of(
        job.taskGroups().get(0).tasks().get(0).toBuilder()
            .resources(new dev.caravan.cluster.structs.Resources(100, 0, 100_000_000, 0, 0))
            .build())).build())).build();

    JsonNode body = JSON.readTree(post("/v1/job/huge/plan", planBody(job)).body());

    JsonNode failed = body.path("FailedTGAllocs").path("g");
    assertEquals(1, failed.path("DimensionExhausted").path("memory").asInt(), body.toString());
    assertEquals(1, body.path("CreatedEvals").size());
  }

  @Test
  void aPeriodicJobAnswersItsNextLaunch() throws Exception {
    Job job = TestAgent.shellJob("nightly", "batch", "true").toBuilder()
        .periodic(new dev.caravan.cluster.structs.PeriodicConfig(true, "0 3 * * *", List.of(),
            null, false, null))
        .build();

    JsonNode body = JSON.readTree(post("/v1/job/nightly/plan", planBody(job)).body());

    String next = body.path("NextPeriodicLaunch").asText();
    assertTrue(next.endsWith("T03:00:00Z"), body.toString());
  }

  @Test
  void aJobThatIsNotPeriodicAnswersGoZeroTime() throws Exception {
    JsonNode body = JSON.readTree(post("/v1/job/plain/plan",
        planBody(TestAgent.shellJob("plain", "service", "true"))).body());

    assertEquals("0001-01-01T00:00:00Z", body.path("NextPeriodicLaunch").asText());
  }

  @Test
  void withDiffFalseTheCliPrintsOnlyTheDryRun() throws Exception {
    Cli r = cli("job", "plan", "-diff=false", "-address", agent.address,
        jobFile("nodiff", "sleep 300").toString());

    assertEquals(1, r.code(), r.err());
    assertTrue(r.out().startsWith("Scheduler dry-run:\n- All tasks successfully allocated."),
        r.out());
  }
}
