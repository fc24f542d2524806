package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Nomad's validation rules, one case each: the file, and the first error it must give. */
class JobspecValidationTest {

  record Case(String name, String hcl, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static String job(String type, String jobBody, String groupBody, String taskBody) {
    return """
        job "v" {
          type = "%s"
          %s
          group "g" {
            %s
            task "t" {
              driver = "exec"
              %s
            }
          }
        }
        """.formatted(type, jobBody, groupBody, taskBody);
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("invalid job name", """
            job "has space" {
              group "g" {
                task "t" { driver = "exec" }
              }
            }
            """, "v.hcl:1:1: job ID contains a space or null character"),
        new Case("duplicate groups", """
            job "v" {
              group "g" {
                task "t" { driver = "exec" }
              }
              group "g" {
                task "t" { driver = "exec" }
              }
            }
            """, "v.hcl:5:3: duplicate group \"g\" (first declared at 2:3)"),
        new Case("duplicate tasks", """
            job "v" {
              group "g" {
                task "t" { driver = "exec" }
                task "t" { driver = "exec" }
              }
            }
            """, "v.hcl:4:5: duplicate task \"t\" (first declared at 3:5)"),
        new Case("unknown driver", job("service", "", "", "").replace("\"exec\"", "\"qemu\""),
            "v.hcl:7:7: driver \"qemu\" is not supported by Caravan: its drivers are docker, exec, "
                + "java, mock, raw_exec"),
        new Case("update in a sysbatch job", job("sysbatch", "", "update {\n max_parallel = 1\n}", ""),
            "v.hcl:5:5: job type \"sysbatch\" does not allow an update block"),
        new Case("auto_promote without canary", job("service", "update {\n auto_promote = true\n}", "", ""),
            "v.hcl:4:2: auto_promote needs canary > 0"),
        new Case("min_healthy_time past healthy_deadline", job("service",
            "update {\n min_healthy_time = \"10m\"\n healthy_deadline = \"5m\"\n}", "", ""),
            "v.hcl:4:2: min_healthy_time must be less than healthy_deadline"),
        new Case("periodic on a service job", job("service",
            "periodic {\n cron = \"@daily\"\n}", "", ""),
            "v.hcl:3:3: periodic can only be used with batch or sysbatch jobs"),
        new Case("bad cron", job("batch", "periodic {\n cron = \"61 * * * *\"\n}", "", ""),
            "v.hcl:4:2: cron expression \"61 * * * *\": minute 61 is outside 0-59"),
        new Case("cron with too few fields", job("batch", "periodic {\n cron = \"* * *\"\n}", "", ""),
            "v.hcl:4:2: cron expression \"* * *\" has 3 fields: expected 5 (minute hour "
                + "day-of-month month day-of-week), 6 or 7"),
        new Case("bad time zone", job("batch",
            "periodic {\n cron = \"@daily\"\n time_zone = \"Mars/Base\"\n}", "", ""),
            "v.hcl:5:2: unknown time zone \"Mars/Base\""),
        new Case("parameterized payload", job("batch", "parameterized {\n payload = \"maybe\"\n}", "", ""),
            "v.hcl:4:2: payload must be optional, required or forbidden, got \"maybe\""),
        new Case("parameterized service job", job("service", "parameterized {}", "", ""),
            "v.hcl:3:3: parameterized jobs must be batch or sysbatch jobs"),
        new Case("dispatch_payload escaping the task directory", job("batch", "", "",
            "dispatch_payload {\n file = \"../../in\"\n}"),
            "v.hcl:9:2: dispatch_payload file must be a relative path inside the task directory"),
        new Case("bad port label", job("service", "", "network {\n port \"a-b\" {}\n}", ""),
            "v.hcl:6:2: port label \"a-b\" must be letters, digits and underscores"),
        new Case("overlapping static ports", job("service", "",
            "network {\n port \"a\" {\n static = 80\n }\n port \"b\" {\n static = 80\n }\n}", ""),
            "v.hcl:10:2: static port 80 already reserved by port \"a\""),
        new Case("two networks", job("service", "", "network {}\nnetwork {}", ""),
            "v.hcl:5:5: only one network block is allowed in a group"),
        new Case("service port not in the network", job("service", "",
            "service {\n port = \"http\"\n}", ""),
            "v.hcl:6:2: service port \"http\" is not a port label of the group's network"),
        new Case("http check without a path", job("service", "",
            "network {\n port \"http\" {}\n}\nservice {\n port = \"http\"\n check {\n type = \"http\"\n"
                + " interval = \"10s\"\n timeout = \"2s\"\n }\n}", ""),
            "v.hcl:10:2: an http check needs a path"),
        new Case("restart mode", job("service", "", "restart {\n mode = \"retry\"\n}", ""),
            "v.hcl:6:2: restart mode must be fail or delay, got \"retry\""),
        new Case("restart attempts do not fit the interval", job("service", "",
            "restart {\n attempts = 10\n delay = \"1m\"\n interval = \"5m\"\n}", ""),
            "v.hcl:5:5: cannot restart 10 times in an interval of PT5M with a delay of PT1M"),
        new Case("reschedule in a system job", job("system", "", "reschedule {\n attempts = 1\n}", ""),
            "v.hcl:5:5: system and sysbatch jobs may not have a reschedule policy"),
        new Case("reschedule delay function", job("service", "",
            "reschedule {\n delay_function = \"linear\"\n}", ""),
            "v.hcl:6:2: delay_function must be constant, exponential or fibonacci, got \"linear\""),
        new Case("affinity weight", job("service", "affinity {\n attribute = \"${node.class}\"\n"
            + " value = \"x\"\n weight = 500\n}", "", ""),
            "v.hcl:6:2: affinity weight must be -100 to 100 and not 0, got 500"),
        new Case("spread over 100 percent", job("service", "spread {\n attribute = \"${node.dc}\"\n"
            + " target \"a\" {\n percent = 70\n }\n target \"b\" {\n percent = 70\n }\n}", "", ""),
            "v.hcl:3:3: spread target percentages add up to 140, more than 100"),
        new Case("affinity in a system job", job("system", "", "affinity {\n attribute = \"${node.class}\"\n"
            + " value = \"x\"\n}", ""),
            "v.hcl:5:5: system jobs may not have an affinity block"),
        new Case("unknown constraint operator", job("service", "constraint {\n attribute = \"a\"\n"
            + " operator = \"~\"\n value = \"b\"\n}", "", ""),
            "v.hcl:5:2: unknown operator \"~\""),
        new Case("logs bigger than the disk", job("service", "", "ephemeral_disk {\n size = 50\n}",
            "logs {\n max_files = 10\n max_file_size = 10\n}"),
            "v.hcl:10:7: log storage (10 x 10 MB) must be less than the ephemeral disk (50 MB)"),
        new Case("template without source or data", job("service", "", "",
            "template {\n destination = \"local/x\"\n}"),
            "v.hcl:8:7: template needs a source or data"),
        new Case("volume_mount of an undeclared volume", job("service", "", "",
            "volume_mount {\n volume = \"nope\"\n destination = \"/x\"\n}"),
            "v.hcl:9:2: volume_mount names volume \"nope\", which the group does not declare"),
        new Case("two leaders", """
            job "v" {
              group "g" {
                task "a" {
                  driver = "exec"
                  leader = true
                }
                task "b" {
                  driver = "exec"
                  leader = true
                }
              }
            }
            """, "v.hcl:2:3: only one task may be marked as leader"),
        new Case("memory_max below memory", job("service", "", "",
            "resources {\n memory = 256\n memory_max = 128\n}"),
            "v.hcl:10:2: memory_max (128) must be >= memory (256)"),
        new Case("migrate in a batch job", job("batch", "", "migrate {\n max_parallel = 1\n}", ""),
            "v.hcl:5:5: job type \"batch\" does not allow a migrate block"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesWhatNomadRefuses(Case c) {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("v.hcl", c.hcl()));

    assertEquals(c.error(), e.errors().get(0).toString(), () -> String.valueOf(e.errors()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decodeAloneSkipsValidationButNotSyntax(Case c) {
    List<String> decodeErrors;
    try {
      Jobspec.decode("v.hcl", c.hcl(), java.util.Map.of(), java.util.Map.of());
      decodeErrors = List.of();
    } catch (JobspecException e) {
      decodeErrors = e.errors().stream().map(JobspecError::toString).toList();
    }

    // Only the structural cases (duplicate labels, a repeated block) fail without validation.
    boolean structural = c.error().contains("first declared") || c.error().contains("only one network");
    assertEquals(structural, !decodeErrors.isEmpty(), decodeErrors::toString);
  }
}
