package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.TaskState;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientFsApiTest {
  @TempDir static Path dir;
  private static TestAgent agent;
  private static Allocation web;

  @BeforeAll
  static void startAgentWithARunningTask() throws Exception {
    agent = new TestAgent(dir);
    web = agent.run(TestAgent.shellJob("web", Job.TYPE_SERVICE,
        "echo hello; echo oops >&2; exec sleep 300"), s -> s.state().equals(TaskState.RUNNING));
    String logs = "/v1/client/fs/logs/" + web.id() + "?task=main&type=stdout&plain=true";
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!agent.get(logs).body().equals("hello\n") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  @AfterAll
  static void stopAgent() {
    agent.close();
  }

  @Test
  void servesPlainLogsFromTheStartOrTheEndAtAnOffset() throws Exception {
    String base = "/v1/client/fs/logs/" + web.id() + "?task=main&plain=true";

    assertEquals("hello\n", agent.get(base + "&type=stdout").body());
    assertEquals("oops\n", agent.get(base + "&type=stderr").body());
    assertEquals("llo\n", agent.get(base + "&type=stdout&origin=start&offset=2").body());
    assertEquals("lo\n", agent.get(base + "&type=stdout&origin=end&offset=3").body());
  }

  @Test
  void servesNomadFramesWithBase64DataWhenNotPlain() throws Exception {
    HttpResponse<String> r =
        agent.get("/v1/client/fs/logs/" + web.id() + "?task=main&type=stdout");

    ByteArrayOutputStream data = new ByteArrayOutputStream();
    try (MappingIterator<JsonNode> frames =
        new ObjectMapper().readerFor(JsonNode.class).readValues(r.body())) {
      while (frames.hasNext()) {
        JsonNode frame = frames.next();
        assertEquals("alloc/logs/main.stdout.0", frame.path("File").asText());
        data.write(Base64.getDecoder().decode(frame.path("Data").asText()));
      }
    }
    assertEquals("hello\n", data.toString(StandardCharsets.UTF_8));
  }

  @Test
  void followStreamsUntilTheTaskEnds() throws Exception {
    Allocation batch = agent.run(TestAgent.shellJob("counter", Job.TYPE_BATCH,
        "echo one; sleep 1; echo two"), s -> s.state().equals(TaskState.RUNNING));

    HttpResponse<String> r = agent.get("/v1/client/fs/logs/" + batch.id()
        + "?task=main&type=stdout&plain=true&follow=true");

    assertEquals("one\ntwo\n", r.body());
  }

  @Test
  void unknownAllocationsAndTasksAre404AndABadTypeIs400() throws Exception {
    HttpResponse<String> noAlloc = agent.get("/v1/client/fs/logs/nope?task=main&type=stdout");
    HttpResponse<String> noTask =
        agent.get("/v1/client/fs/logs/" + web.id() + "?task=other&type=stdout");
    HttpResponse<String> badType =
        agent.get("/v1/client/fs/logs/" + web.id() + "?task=main&type=stdin");

    assertEquals(404, noAlloc.statusCode());
    assertEquals("{\"error\":\"unknown allocation \\\"nope\\\"\"}", noAlloc.body());
    assertEquals(404, noTask.statusCode());
    assertTrue(noTask.body().contains("unknown task \\\"other\\\""), noTask.body());
    assertEquals(400, badType.statusCode());
    assertEquals("{\"error\":\"unknown log type \\\"stdin\\\": use stdout or stderr\"}",
        badType.body());
  }
}
