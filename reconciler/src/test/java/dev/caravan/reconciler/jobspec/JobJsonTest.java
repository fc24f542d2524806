package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import org.junit.jupiter.api.Test;

class JobJsonTest {

  @Test
  void writesTheBodyOfPostV1JobsWithNomadsNamesAndNanosecondDurations() throws Exception {
    Job job = Jobspec.parse("shop.hcl", JobspecFullSpecTest.FULL);

    JsonNode body = NomadJson.mapper().readTree(JobJson.toApiJson(job));

    JsonNode j = body.get("Job");
    assertEquals("shop", j.get("ID").asText());
    assertEquals("service", j.get("Type").asText());
    JsonNode server = j.get("TaskGroups").get(0).get("Tasks").get(1);
    assertEquals("server", server.get("Name").asText());
    assertEquals(20_000_000_000L, server.get("KillTimeout").asLong());
    assertEquals(256, server.get("Resources").get("MemoryMaxMB").asInt());
    assertEquals("secrets/app.env", server.get("Templates").get(0).get("DestPath").asText());
    assertEquals(1_800_000_000_000L, j.get("TaskGroups").get(0).get("RestartPolicy").get("Interval").asLong());
    assertTrue(j.get("Periodic").isNull());
  }

  @Test
  void aParsedJobSurvivesTheRoundTripExactly() throws Exception {
    Job job = Jobspec.parse("shop.hcl", JobspecFullSpecTest.FULL);

    assertEquals(job, JobJson.fromApiJson(JobJson.toApiJson(job)));
  }

  @Test
  void readsABareJobObjectToo() throws Exception {
    Job job = Jobspec.parse("web.hcl", JobspecTest.web());
    String bare = NomadJson.mapper().writeValueAsString(job);

    assertEquals(job, JobJson.fromApiJson(bare));
  }

  @Test
  void refusesTextThatIsNotAJob() {
    assertThrows(IllegalArgumentException.class, () -> JobJson.fromApiJson("[1, 2]"));
    assertThrows(IllegalArgumentException.class, () -> JobJson.fromApiJson("{\"Job\": "));
  }
}
