package dev.caravan.cluster.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Nomad's api Canonicalize defaults, field by field: absent, null, and explicit values. */
class JobCanonicalizerTest {
  private static final ObjectMapper JSON = NomadJson.mapper();
  private static final JsonNode ABSENT = MissingNode.getInstance();

  /** {@code job} is JSON with ' for " ; {@code expected} is the value at {@code pointer}. */
  record Case(String name, String job, String pointer, JsonNode expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case c(String name, String job, String pointer, Object expected) {
    return new Case(name, job, pointer, expected instanceof JsonNode n ? n : JSON.valueToTree(expected));
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** A job of {@code type} whose one group is {@code group} (fields inside the braces). */
  private static String groupJob(String type, String group) {
    return "{'ID':'j','Type':'" + type + "','TaskGroups':[{'Name':'g'" + (group.isEmpty() ? "" : ",")
        + group + ",'Tasks':[{'Name':'t','Driver':'mock'}]}]}";
  }

  /** A service job whose one task is {@code task} (fields inside the braces). */
  private static String taskJob(String task) {
    return "{'ID':'j','TaskGroups':[{'Name':'g','Tasks':[{'Name':'t','Driver':'mock'"
        + (task.isEmpty() ? "" : ",") + task + "}]}]}";
  }

  private static long s(long seconds) {
    return Duration.ofSeconds(seconds).toNanos();
  }

  static Stream<Case> jobDefaults() {
    return Stream.of(
        c("Type absent is service", "{'ID':'j'}", "/Type", "service"),
        c("Type null is service", "{'ID':'j','Type':null}", "/Type", "service"),
        c("Name absent is the ID", "{'ID':'j'}", "/Name", "j"),
        c("Name given is kept", "{'ID':'j','Name':'n'}", "/Name", "n"),
        c("Go's empty ParentID is unset", "{'ID':'j','ParentID':''}", "/ParentID", ABSENT),
        c("Namespace absent is default", "{'ID':'j'}", "/Namespace", "default"),
        c("Region null is global", "{'ID':'j','Region':null}", "/Region", "global"),
        c("Priority absent is 50", "{'ID':'j'}", "/Priority", 50),
        c("Priority null is 50", "{'ID':'j','Priority':null}", "/Priority", 50),
        c("Priority given is kept", "{'ID':'j','Priority':70}", "/Priority", 70),
        c("a service job's absent Update is Nomad's default", "{'ID':'j'}", "/Update",
            UpdateStrategy.defaults()),
        c("a batch job gets no Update", "{'ID':'j','Type':'batch'}", "/Update", ABSENT),
        c("a partial Update keeps its fields", "{'ID':'j','Update':{'MaxParallel':3}}",
            "/Update/MaxParallel", 3),
        c("a partial Update gets the other defaults", "{'ID':'j','Update':{'MaxParallel':3}}",
            "/Update/Stagger", s(30)),
        c("a null field of Update is its default", "{'ID':'j','Update':{'HealthCheck':null}}",
            "/Update/HealthCheck", "checks"),
        c("Periodic.Enabled absent is true",
            "{'ID':'j','Type':'batch','Periodic':{'Spec':'* * * * *'}}", "/Periodic/Enabled", true),
        c("Periodic.Enabled false is kept",
            "{'ID':'j','Type':'batch','Periodic':{'Enabled':false}}", "/Periodic/Enabled", false),
        c("an affinity's absent Weight is 50", "{'ID':'j','Affinities':[{'LTarget':'a'}]}",
            "/Affinities/0/Weight", 50),
        c("an affinity's Weight is kept", "{'ID':'j','Affinities':[{'Weight':-30}]}",
            "/Affinities/0/Weight", -30),
        c("a spread's null Weight is 50", "{'ID':'j','Spreads':[{'Weight':null}]}",
            "/Spreads/0/Weight", 50),
        c("a spread's Weight 0 is kept", "{'ID':'j','Spreads':[{'Weight':0}]}",
            "/Spreads/0/Weight", 0));
  }

  static Stream<Case> groupDefaults() {
    return Stream.of(
        c("Count absent is 1", groupJob("service", ""), "/TaskGroups/0/Count", 1),
        c("Count null is 1", groupJob("service", "'Count':null"), "/TaskGroups/0/Count", 1),
        c("Count 0 is kept", groupJob("service", "'Count':0"), "/TaskGroups/0/Count", 0),
        c("Count absent is the scaling minimum", groupJob("service", "'Scaling':{'Min':2}"),
            "/TaskGroups/0/Count", 2),
        c("EphemeralDisk absent is 300 MB", groupJob("service", ""), "/TaskGroups/0/EphemeralDisk",
            EphemeralDisk.defaults()),
        c("EphemeralDisk partial is completed",
            groupJob("service", "'EphemeralDisk':{'Sticky':true,'SizeMB':null}"),
            "/TaskGroups/0/EphemeralDisk", new EphemeralDisk(true, 300, false)),
        c("EphemeralDisk SizeMB 0 is kept for validation to refuse",
            groupJob("service", "'EphemeralDisk':{'SizeMB':0}"),
            "/TaskGroups/0/EphemeralDisk/SizeMB", 0),
        c("a group inherits the job's Update",
            "{'ID':'j','Update':{'MaxParallel':2},'TaskGroups':[{'Name':'g'}]}",
            "/TaskGroups/0/Update/MaxParallel", 2),
        c("a group's Update fields go over the job's",
            "{'ID':'j','Update':{'MaxParallel':2,'Canary':1},'TaskGroups':[{'Name':'g',"
                + "'Update':{'Canary':3,'AutoPromote':null}}]}",
            "/TaskGroups/0/Update", new UpdateStrategy(Duration.ofSeconds(30), 2, "checks",
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10), false,
                false, 3, true)),
        c("a batch group's own Update is completed for validation to refuse",
            groupJob("batch", "'Update':{'Canary':1}"), "/TaskGroups/0/Update/MaxParallel", 1),
        c("a service group's reschedule policy", groupJob("service", ""),
            "/TaskGroups/0/ReschedulePolicy", ReschedulePolicy.serviceDefaults()),
        c("a batch group's reschedule policy", groupJob("batch", ""),
            "/TaskGroups/0/ReschedulePolicy", ReschedulePolicy.batchDefaults()),
        c("a system group gets no reschedule policy", groupJob("system", ""),
            "/TaskGroups/0/ReschedulePolicy", ABSENT),
        c("a sysbatch group gets no reschedule policy", groupJob("sysbatch", ""),
            "/TaskGroups/0/ReschedulePolicy", ABSENT),
        c("a partial reschedule policy is completed from the type's",
            groupJob("service", "'ReschedulePolicy':{'Unlimited':false,'Attempts':3}"),
            "/TaskGroups/0/ReschedulePolicy", new ReschedulePolicy(3, Duration.ZERO,
                Duration.ofSeconds(30), "exponential", Duration.ofHours(1), false)),
        c("the job's Reschedule goes under the group's",
            "{'ID':'j','Type':'batch','Reschedule':{'Attempts':5,'Delay':" + s(10) + "},"
                + "'TaskGroups':[{'Name':'g','ReschedulePolicy':{'Delay':" + s(20) + "}}]}",
            "/TaskGroups/0/ReschedulePolicy", new ReschedulePolicy(5, Duration.ofHours(24),
                Duration.ofSeconds(20), "constant", Duration.ZERO, false)),
        c("a service group's migrate strategy", groupJob("service", ""), "/TaskGroups/0/Migrate",
            MigrateStrategy.defaults()),
        c("a batch group gets no migrate strategy", groupJob("batch", ""), "/TaskGroups/0/Migrate",
            ABSENT),
        c("the job's Migrate goes under the group's",
            "{'ID':'j','Migrate':{'MaxParallel':3},'TaskGroups':[{'Name':'g'}]}",
            "/TaskGroups/0/Migrate", new MigrateStrategy(3, "checks", Duration.ofSeconds(10),
                Duration.ofMinutes(5))),
        c("a service group's restart policy", groupJob("service", ""),
            "/TaskGroups/0/RestartPolicy", RestartPolicy.serviceDefaults()),
        c("a system group restarts as a service", groupJob("system", ""),
            "/TaskGroups/0/RestartPolicy", RestartPolicy.serviceDefaults()),
        c("a batch group's restart policy", groupJob("batch", ""), "/TaskGroups/0/RestartPolicy",
            RestartPolicy.batchDefaults()),
        c("a sysbatch group restarts as a batch one", groupJob("sysbatch", ""),
            "/TaskGroups/0/RestartPolicy", RestartPolicy.batchDefaults()),
        c("a partial restart policy keeps an explicit zero",
            groupJob("service", "'RestartPolicy':{'Attempts':0,'Mode':'delay'}"),
            "/TaskGroups/0/RestartPolicy", new RestartPolicy(0, Duration.ofMinutes(30),
                Duration.ofSeconds(15), "delay", false)),
        c("a group's affinity weighs 50", groupJob("service", "'Affinities':[{}]"),
            "/TaskGroups/0/Affinities/0/Weight", 50),
        c("a group service's address mode is auto", groupJob("service", "'Services':[{}]"),
            "/TaskGroups/0/Services/0/AddressMode", "auto"),
        c("a group service's on_update is require_healthy",
            groupJob("service", "'Services':[{'OnUpdate':''}]"),
            "/TaskGroups/0/Services/0/OnUpdate", "require_healthy"),
        c("a group service names no task", groupJob("service", "'Services':[{}]"),
            "/TaskGroups/0/Services/0/TaskName", ABSENT),
        c("a check inherits its service's on_update",
            groupJob("service", "'Services':[{'OnUpdate':'ignore','Checks':[{}]}]"),
            "/TaskGroups/0/Services/0/Checks/0/OnUpdate", "ignore"),
        c("a check's check_restart gets a grace of 1s",
            groupJob("service", "'Services':[{'Checks':[{'CheckRestart':{'Limit':2}}]}]"),
            "/TaskGroups/0/Services/0/Checks/0/CheckRestart",
            json("{'Limit':2,'Grace':" + s(1) + "}")),
        c("a service's check_restart goes under its checks'",
            groupJob("service", "'Services':[{'CheckRestart':{'Limit':3,'Grace':" + s(9) + "},"
                + "'Checks':[{'CheckRestart':{'Limit':0,'IgnoreWarnings':true}},{}]}]"),
            "/TaskGroups/0/Services/0/Checks", json("[{'OnUpdate':'require_healthy',"
                + "'CheckRestart':{'Limit':3,'Grace':" + s(9) + ",'IgnoreWarnings':true}},"
                + "{'OnUpdate':'require_healthy','CheckRestart':{'Limit':3,'Grace':" + s(9) + "}}]")),
        c("Go's empty network IP is unset", groupJob("service", "'Networks':[{'IP':'','Mode':''}]"),
            "/TaskGroups/0/Networks/0", json("{'Mode':''}")),
        c("a negative success_before_passing is 0",
            groupJob("service", "'Services':[{'Checks':[{'SuccessBeforePassing':-2}]}]"),
            "/TaskGroups/0/Services/0/Checks/0/SuccessBeforePassing", 0));
  }

  static Stream<Case> taskDefaults() {
    String t = "/TaskGroups/0/Tasks/0";
    return Stream.of(
        c("Resources absent are 100 MHz and 300 MB", taskJob(""), t + "/Resources",
            json("{'Cores':0,'CPU':100,'MemoryMB':300}")),
        c("Resources without Cores get none", taskJob("'Resources':{'CPU':500,'MemoryMB':64}"),
            t + "/Resources", json("{'CPU':500,'MemoryMB':64,'Cores':0}")),
        c("Resources with Cores get no CPU default", taskJob("'Resources':{'Cores':2}"),
            t + "/Resources/CPU", 0),
        c("Resources sent as nulls are the defaults",
            taskJob("'Resources':{'CPU':null,'Cores':null,'MemoryMB':null,'MemoryMaxMB':null}"),
            t + "/Resources", json("{'CPU':100,'Cores':0,'MemoryMB':300,'MemoryMaxMB':null}")),
        c("an explicit CPU of 0 is kept", taskJob("'Resources':{'CPU':0}"), t + "/Resources/CPU", 0),
        c("KillTimeout absent is 5s", taskJob(""), t + "/KillTimeout", s(5)),
        c("KillTimeout 0 is kept", taskJob("'KillTimeout':0"), t + "/KillTimeout", 0),
        c("LogConfig absent is 10 files of 10 MB", taskJob(""), t + "/LogConfig",
            LogConfig.defaults()),
        c("LogConfig partial is completed", taskJob("'LogConfig':{'MaxFiles':3,'Disabled':null}"),
            t + "/LogConfig", new LogConfig(3, 10, false)),
        c("a task without restart policy has its group's",
            "{'ID':'j','TaskGroups':[{'Name':'g','RestartPolicy':{'Attempts':1},"
                + "'Tasks':[{'Name':'t'}]}]}",
            t + "/RestartPolicy", new RestartPolicy(1, Duration.ofMinutes(30),
                Duration.ofSeconds(15), "fail", false)),
        c("a task's restart fields go over its group's",
            "{'ID':'j','TaskGroups':[{'Name':'g','RestartPolicy':{'Attempts':1},"
                + "'Tasks':[{'Name':'t','RestartPolicy':{'Mode':'delay'}}]}]}",
            t + "/RestartPolicy", new RestartPolicy(1, Duration.ofMinutes(30),
                Duration.ofSeconds(15), "delay", false)),
        c("an artifact's mode is any", taskJob("'Artifacts':[{'GetterSource':'https://x/a.tgz'}]"),
            t + "/Artifacts/0", json("{'GetterSource':'https://x/a.tgz','GetterMode':'any',"
                + "'RelativeDest':'local/'}")),
        c("a file artifact lands under its own name",
            taskJob("'Artifacts':[{'GetterSource':'https://x/a.txt','GetterMode':'file'}]"),
            t + "/Artifacts/0/RelativeDest", "local/a.txt"),
        c("a template's defaults", taskJob("'Templates':[{'EmbeddedTmpl':'x','DestPath':'local/x'}]"),
            t + "/Templates/0", json("{'EmbeddedTmpl':'x','DestPath':'local/x',"
                + "'ChangeMode':'restart','Splay':" + s(5) + ",'Perms':'0644','LeftDelim':'{{',"
                + "'RightDelim':'}}'}")),
        c("a signal template's signal is SIGHUP", taskJob("'Templates':[{'ChangeMode':'signal'}]"),
            t + "/Templates/0/ChangeSignal", "SIGHUP"),
        c("a template's signal is upper-cased",
            taskJob("'Templates':[{'ChangeMode':'signal','ChangeSignal':'sigusr1'}]"),
            t + "/Templates/0/ChangeSignal", "SIGUSR1"),
        c("a task's affinity weighs 50", taskJob("'Affinities':[{'Weight':null}]"),
            t + "/Affinities/0/Weight", 50),
        c("a task service runs in its task", taskJob("'Services':[{'TaskName':''}]"),
            t + "/Services/0/TaskName", "t"),
        c("a task service's own task is kept", taskJob("'Services':[{'TaskName':'other'}]"),
            t + "/Services/0/TaskName", "other"),
        c("Leader absent stays absent for the binding's false", taskJob(""), t + "/Leader", ABSENT),
        c("Go's empty User is unset", taskJob("'User':''"), t + "/User", ABSENT),
        c("a User is kept", taskJob("'User':'nobody'"), t + "/User", "nobody"),
        c("Go's zero ShutdownDelay is unset", taskJob("'ShutdownDelay':0"), t + "/ShutdownDelay",
            ABSENT),
        c("Go's empty template source is unset",
            taskJob("'Templates':[{'SourcePath':'','EmbeddedTmpl':'x'}]"),
            t + "/Templates/0/SourcePath", ABSENT));
  }

  @ParameterizedTest
  @MethodSource({"jobDefaults", "groupDefaults", "taskDefaults"})
  void fillsNomadsDefault(Case c) {
    ObjectNode job = (ObjectNode) json(c.job());

    JsonNode canonical = JobCanonicalizer.canonicalize(job);

    // through text, as numbers read from text and numbers built from longs compare unequal
    assertEquals(json(c.expected().toString()), json(canonical.at(c.pointer()).toString()),
        canonical.toString());
  }

  private static ObjectNode richInput() {
    return (ObjectNode) json("{'ID':'web','Update':{'Canary':1},'Migrate':{'MaxParallel':2},"
        + "'TaskGroups':[{'Name':'g','Count':null,'Services':[{'Checks':[{'Type':'tcp'}]}],"
        + "'Tasks':[{'Name':'t','Driver':'mock','Resources':{'Cores':1},"
        + "'Templates':[{'ChangeMode':'signal'}],'Artifacts':[{'GetterSource':'x'}]}]}]}");
  }

  @Test
  void leavesItsArgumentAsItWas() {
    ObjectNode input = richInput();
    ObjectNode before = input.deepCopy();

    JobCanonicalizer.canonicalize(input);

    assertEquals(before, input);
  }

  @Test
  void canonicalizingTwiceChangesNothingMore() {
    ObjectNode once = JobCanonicalizer.canonicalize(richInput());

    assertEquals(once, JobCanonicalizer.canonicalize(once));
  }

  @Test
  void aJobWithEveryFieldSetIsKeptAsItIs() {
    Task task = Task.builder().name("t").driver("mock").config(Map.of("run_for", "1s"))
        .resources(new Resources(0, 2, 64, 128, 0)).killTimeout(Duration.ZERO)
        .logConfig(new LogConfig(2, 3, true))
        .services(List.of(new Service("s", null, List.of(), "nomad", "t", List.of(), Map.of(),
            Map.of(), List.of(), false, "host", null, "ignore", Map.of())))
        .build();
    TaskGroup group = TaskGroup.builder().name("g").count(0).tasks(List.of(task))
        .restartPolicy(new RestartPolicy(7, Duration.ofHours(1), Duration.ofSeconds(1), "delay",
            true))
        .build();
    Job job = JobDefaults.apply(Job.builder().id("web").priority(1).datacenters(List.of("dc1"))
        .affinities(List.of(new Affinity("a", "b", "=", 0))).taskGroups(List.of(group)).build());
    ObjectNode tree = JSON.valueToTree(job);

    assertEquals(tree, JobCanonicalizer.canonicalize(tree));
  }

  @Test
  void leavesABlockOfTheWrongKindForTheBindingToRefuse() {
    ObjectNode job = (ObjectNode) json("{'ID':'j','Update':{'Canary':1},'TaskGroups':[{"
        + "'Name':'g','Update':'fast','RestartPolicy':7,'Tasks':[{'Resources':'big'}]}]}");

    JsonNode canonical = JobCanonicalizer.canonicalize(job);

    assertEquals(json("'fast'"), canonical.at("/TaskGroups/0/Update"));
    assertEquals(json("7"), canonical.at("/TaskGroups/0/RestartPolicy"));
    assertEquals(json("'big'"), canonical.at("/TaskGroups/0/Tasks/0/Resources"));
    assertEquals(JSON.valueToTree(RestartPolicy.serviceDefaults()),
        canonical.at("/TaskGroups/0/Tasks/0/RestartPolicy"));
  }
}
