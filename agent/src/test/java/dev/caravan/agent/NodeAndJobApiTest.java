package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.structs.DriverInfo;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import java.util.List;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.NodeResources;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Node lifecycle routes and CLI, and the job API's answers to bad input, on one agent. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeAndJobApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  private HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Node registerNode(String id) throws Exception {
    agent.server().registerNode(Node.builder().id(id).name(id)
        .nodeResources(new NodeResources(4000, 4, 4000, 1000))
        .drivers(Map.of("mock", new DriverInfo(true, true, "ok", Map.of(), 0))).build());
    return node(id);
  }

  private Node node(String id) {
    return agent.server().state().node(id).orElseThrow();
  }

  private int cli(String... args) {
    return Main.run(args, new PrintWriter(new StringWriter(), true),
        new PrintWriter(new StringWriter(), true));
  }

  @Test
  void eligibilityTogglesThroughTheApiAndTheCli() throws Exception {
    registerNode("elig");

    HttpResponse<String> off = post("/v1/node/elig/eligibility", "{\"Eligibility\":\"ineligible\"}");
    Node afterApi = node("elig");
    int code = cli("node", "eligibility", "-enable", "-address", url, "elig");

    assertEquals(200, off.statusCode(), off.body());
    assertTrue(JSON.readTree(off.body()).has("NodeModifyIndex"));
    assertEquals(Node.INELIGIBLE, afterApi.schedulingEligibility());
    assertEquals(0, code);
    assertEquals(Node.ELIGIBLE, node("elig").schedulingEligibility());
  }

  @Test
  void drainStartsWithADeadlineAndIsCanceledByTheCli() throws Exception {
    registerNode("drn");
    // an allocation on the node that no client will stop: without it the drain of an empty
    // node may be done (and its strategy cleared) before the test reads it
    agent.server().registerJob(new dev.caravan.cluster.server.Cluster.JobRegisterRequest(
        Job.builder().id("pinned").datacenters(List.of("dc1"))
            .constraints(List.of(new dev.caravan.cluster.structs.Constraint(
                "${node.unique.id}", "drn", "=")))
            .taskGroups(List.of(TaskGroup.builder().name("g").count(1)
                .tasks(List.of(Task.builder().name("t").driver("mock").build())).build()))
            .build(), false, 0));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (agent.server().state().allocsByNode("drn").isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(!agent.server().state().allocsByNode("drn").isEmpty(), "an allocation on drn");

    int on = cli("node", "drain", "-enable", "-deadline", "1m", "-yes", "-address", url, "drn");
    Node draining = node("drn");
    HttpResponse<String> refused = post("/v1/node/drn/eligibility", "{\"Eligibility\":\"eligible\"}");
    int off = cli("node", "drain", "-disable", "-address", url, "drn");

    assertEquals(0, on);
    assertEquals(Duration.ofMinutes(1), draining.drainStrategy().deadline());
    assertEquals(Node.INELIGIBLE, draining.schedulingEligibility());
    assertEquals(400, refused.statusCode());
    assertEquals(0, off);
    assertNull(node("drn").drainStrategy());
    assertEquals(Node.ELIGIBLE, node("drn").schedulingEligibility());
  }

  record BadRequest(String path, String body, int status, String errorMentions) {}

  static Stream<BadRequest> badRequests() {
    return Stream.of(
        new BadRequest("/v1/node/bad/eligibility", "{\"Eligibility\":\"maybe\"}", 400, "Eligibility"),
        new BadRequest("/v1/node/bad/eligibility", "not json", 400, "not JSON"),
        new BadRequest("/v1/node/bad/drain", "{\"DrainSpec\":{\"Deadline\":\"1m\"}}", 400,
            "DrainSpec.Deadline"),
        new BadRequest("/v1/node/bad/drain", "{\"DrainSpec\":{\"IgnoreSystemJobs\":3}}", 400,
            "DrainSpec.IgnoreSystemJobs"),
        new BadRequest("/v1/node/ghost/eligibility", "{\"Eligibility\":\"eligible\"}", 404, "ghost"),
        new BadRequest("/v1/jobs", "{\"Job\": {\"ID\": \"x\",", 400, "not JSON"),
        new BadRequest("/v1/jobs", jobJson(1).replace("\"Count\":1", "\"Count\":\"three\""), 400,
            "Count"),
        new BadRequest("/v1/jobs", jobJson(-1), 400, "count"),
        new BadRequest("/v1/jobs", jobJson(1).replaceFirst("^\\{", "{\"EnforceIndex\": true, "
            + "\"JobModifyIndex\": 42, "), 409, "42"));
  }

  /** A whole job as a Nomad client sends it, {@code {"Job": {...}}}. */
  static String jobJson(int count) {
    Job job = Job.builder().id("api-job").datacenters(List.of("dc1"))
        .taskGroups(List.of(TaskGroup.builder().name("g").count(count)
            .tasks(List.of(Task.builder().name("t").driver("mock").build())).build()))
        .build();
    try {
      return NomadJson.mapper().writeValueAsString(Map.of("Job", job));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @MethodSource("badRequests")
  void badInputIsRefusedWithAJsonErrorNamingTheFieldAndNothingReachesRaft(BadRequest c)
      throws Exception {
    agent.server().registerNode(Node.builder().id("bad").name("bad").build());
    long before = agent.server().state().index();

    HttpResponse<String> r = post(c.path(), c.body());
    JsonNode error = JSON.readTree(r.body());

    assertEquals(c.status(), r.statusCode(), r.body());
    assertTrue(error.path("error").asText().contains(c.errorMentions()), r.body());
    assertEquals(before, agent.server().state().index(), "nothing was proposed");
  }
}
