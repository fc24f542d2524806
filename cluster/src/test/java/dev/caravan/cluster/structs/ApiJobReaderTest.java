package dev.caravan.cluster.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Jobs as Nomad's clients send them: fields left out, fields sent as null, and bad input. */
class ApiJobReaderTest {
  private static final ObjectMapper JSON = NomadJson.mapper();

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static final String MINIMAL = "{'ID':'web','Name':'web','Type':'service',"
      + "'Datacenters':['dc1'],'TaskGroups':[{'Name':'g','Tasks':[{'Name':'t','Driver':'mock',"
      + "'Config':{'run_for':'10s'},'Resources':{'CPU':100,'MemoryMB':64}}]}]}";

  /** The minimal job as {@code nomad job run -output} prints it: every unset pointer null. */
  private static final String WITH_NULLS = "{'Region':null,'Namespace':null,'ID':'web',"
      + "'Name':'web','Type':'service','Priority':null,'AllAtOnce':null,'Datacenters':['dc1'],"
      + "'NodePool':null,'Constraints':null,'Affinities':null,'Update':null,'Multiregion':null,"
      + "'Spreads':null,'Periodic':null,'ParameterizedJob':null,'Reschedule':null,'Migrate':null,"
      + "'Meta':null,'Stop':null,'ParentID':null,'Dispatched':false,'Payload':null,'Status':null,"
      + "'Stable':null,'Version':null,'SubmitTime':null,'CreateIndex':null,'ModifyIndex':null,"
      + "'JobModifyIndex':null,'TaskGroups':[{'Name':'g','Count':null,'Constraints':null,"
      + "'Affinities':null,'Spreads':null,'Volumes':null,'RestartPolicy':null,"
      + "'ReschedulePolicy':null,'EphemeralDisk':null,'Update':null,'Migrate':null,"
      + "'Networks':null,'Meta':null,'Services':null,'ShutdownDelay':null,"
      + "'MaxClientDisconnect':null,'Scaling':null,'Tasks':[{'Name':'t','Driver':'mock',"
      + "'User':'','Lifecycle':null,'Config':{'run_for':'10s'},'Constraints':null,"
      + "'Affinities':null,'Env':null,'Services':null,'Resources':{'CPU':100,'Cores':null,"
      + "'MemoryMB':64,'MemoryMaxMB':null,'DiskMB':null,'Networks':null,'Devices':null,"
      + "'IOPS':null},'RestartPolicy':null,'Meta':null,'KillTimeout':null,'LogConfig':null,"
      + "'Artifacts':null,'Templates':null,'DispatchPayload':null,'VolumeMounts':null,"
      + "'Leader':false,'ShutdownDelay':0,'KillSignal':'','Kind':''}]}]}";

  /** The same job built in Java, as Caravan's HCL decoder builds it. */
  private static Job expectedMinimal() {
    Task task = Task.builder().name("t").driver("mock").config(Map.of("run_for", "10s"))
        .resources(new Resources(100, 0, 64, 0, 0)).build();
    return JobDefaults.apply(Job.builder().id("web").name("web").type(Job.TYPE_SERVICE)
        .datacenters(List.of("dc1"))
        .taskGroups(List.of(TaskGroup.builder().name("g").tasks(List.of(task)).build()))
        .build());
  }

  @Test
  void aMinimalJobTakesNomadsDefaults() throws Exception {
    Job job = ApiJobReader.read(json(MINIMAL));

    TaskGroup g = job.taskGroups().get(0);
    Task t = g.tasks().get(0);
    assertEquals(50, job.priority());
    assertEquals(1, g.count());
    assertEquals(new Resources(100, 0, 64, 0, 0), t.resources());
    assertEquals(Duration.ofSeconds(5), t.killTimeout());
    assertEquals(LogConfig.defaults(), t.logConfig());
    assertEquals(RestartPolicy.serviceDefaults(), t.restartPolicy());
    assertEquals(UpdateStrategy.defaults(), g.update());
    assertFalse(t.leader());
  }

  @Test
  void aMinimalJobReadsAsTheSameJobBuiltInJava() throws Exception {
    Job job = ApiJobReader.read(json(MINIMAL));

    assertEquals(expectedMinimal(), JobDefaults.apply(job));
  }

  @Test
  void fieldsSentAsNullReadAsFieldsLeftOut() throws Exception {
    Job withNulls = ApiJobReader.read(json(WITH_NULLS));
    Job leftOut = ApiJobReader.read(json(MINIMAL));

    assertEquals(leftOut, withNulls);
    assertEquals(expectedMinimal(), JobDefaults.apply(withNulls));
  }

  @Test
  void aJobCaravanWroteReadsBackUnchanged() throws Exception {
    Job job = expectedMinimal().toBuilder().priority(90).build();

    assertEquals(job, ApiJobReader.read(JSON.valueToTree(job)));
  }

  record Bad(String name, String job, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> badJobs() {
    return Stream.of(
        new Bad("no ID", MINIMAL.replace("'ID':'web',", ""), "Job.ID: missing"),
        new Bad("an empty ID", MINIMAL.replace("'ID':'web'", "'ID':''"), "Job.ID: missing"),
        new Bad("a group without name", MINIMAL.replace("'Name':'g',", ""),
            "Job.TaskGroups[0].Name: missing"),
        new Bad("a task without name", MINIMAL.replace("'Name':'t',", ""),
            "Job.TaskGroups[0].Tasks[0].Name: missing"),
        new Bad("a task without driver", MINIMAL.replace("'Driver':'mock',", ""),
            "Job.TaskGroups[0].Tasks[0].Driver: missing"),
        new Bad("a null driver", MINIMAL.replace("'Driver':'mock'", "'Driver':null"),
            "Job.TaskGroups[0].Tasks[0].Driver: missing"),
        new Bad("a count that is not a number", MINIMAL.replace("'Name':'g',",
            "'Name':'g','Count':'two',"), "Job.TaskGroups[0].Count: Cannot deserialize value of type `int`"),
        new Bad("a leader that is not a boolean", MINIMAL.replace("'Name':'t',",
            "'Name':'t','Leader':[1],"), "Job.TaskGroups[0].Tasks[0].Leader: "),
        new Bad("an update block that is not an object", MINIMAL.replace("'Name':'g',",
            "'Name':'g','Update':'fast',"), "Job.TaskGroups[0].Update: "),
        new Bad("an explicit priority of 0", MINIMAL.replace("'Type'", "'Priority':0,'Type'"),
            "Job.Priority: job priority must be between 1 and 100, got 0"),
        new Bad("an explicit CPU of 0", MINIMAL.replace("'CPU':100", "'CPU':0"),
            "Job.TaskGroups[0].Tasks[0].Resources.CPU: cpu must be >= 1 MHz, got 0"),
        new Bad("an explicit memory of 0", MINIMAL.replace("'MemoryMB':64", "'MemoryMB':0"),
            "Job.TaskGroups[0].Tasks[0].Resources.MemoryMB: memory must be >= 10 MiB, got 0"),
        new Bad("a null group", MINIMAL.replaceFirst("\\[\\{'Name':'g'.*\\]\\}\\]", "[null]"),
            "Job.TaskGroups[0]: must be an object"),
        new Bad("every problem at once", MINIMAL.replace("'ID':'web',", "")
            .replace("'Driver':'mock',", ""),
            "Job.ID: missing; Job.TaskGroups[0].Tasks[0].Driver: missing"));
  }

  @ParameterizedTest
  @MethodSource("badJobs")
  void refusesNamingTheField(Bad c) {
    ApiJobReader.InvalidJobException e = assertThrows(ApiJobReader.InvalidJobException.class,
        () -> ApiJobReader.read(json(c.job())));

    assertEquals(c.error(), e.getMessage().substring(0, Math.min(e.getMessage().length(),
        c.error().length())), e.getMessage());
  }

  @Test
  void aCpuOf0BesideCoresIsNotAnError() throws Exception {
    Job job = ApiJobReader.read(json(MINIMAL.replace("'CPU':100", "'CPU':0,'Cores':2")));

    assertEquals(new Resources(0, 2, 64, 0, 0), job.taskGroups().get(0).tasks().get(0).resources());
  }

  @Test
  void somethingOtherThanAnObjectIsNotAJob() {
    ApiJobReader.InvalidJobException e = assertThrows(ApiJobReader.InvalidJobException.class,
        () -> ApiJobReader.read(json("[1]")));

    assertEquals("Job: must be an object", e.getMessage());
  }
}
