package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of valid job files (truncations, byte flips, deleted and duplicated braces,
 * random junk): whatever the input, {@link Jobspec#parse} returns a job or throws
 * {@link JobspecException} with positioned errors; nothing else escapes and nothing hangs.
 * Bounded by an iteration count; the per-case timeout is a hang guard, not a timing check.
 */
class JobspecFuzzTest {

  private static final long SEED = 0x5EED_CA4A_0001L;
  private static final int CASES = 1_500;
  private static final List<String> SEEDS = List.of(JobspecTest.web(), JobspecFullSpecTest.FULL, """
      variable "image" {
        type    = string
        default = "x"
      }
      locals {
        tag = upper(var.image)
      }
      job "v" {
        type = "batch"
        periodic {
          crons = ["*/5 * * * *"]
        }
        group "g" {
          task "t" {
            driver = "exec"
            config {
              args = ["-c", <<-EOF
                echo ${local.tag} ${NOMAD_TASK_DIR}
                EOF
              ]
            }
          }
        }
      }
      """);
  private static final String JUNK = "{}[]()=\"\\$<<-EOF\n#/*,.:?!%${}0123456789 \t\u0000\u00e9\uE000";

  @Test
  void mutatedJobFilesOnlyEverThrowJobspecException() {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int n = 0; n < CASES; n++) {
      String seed = SEEDS.get(random.nextInt(SEEDS.size()));
      String input = mutate(seed, random);
      int caseNo = n;
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        try {
          Jobspec.parse("fuzz.hcl", input, Map.of("image", "y"));
        } catch (JobspecException e) {
          assertTrue(!e.errors().isEmpty(), "case " + caseNo);
          for (JobspecError err : e.errors()) {
            assertTrue(err.line() >= 1 && err.column() >= 1, "case " + caseNo + ": " + err);
          }
        } catch (Throwable t) {
          fail("case " + caseNo + " (seed " + SEED + ") escaped " + t + " for input:\n" + input, t);
        }
      }, () -> "case " + caseNo + " hung");
    }
  }

  static String mutate(String text, SplittableRandom random) {
    StringBuilder sb = new StringBuilder(text);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = random.nextInt(sb.length());
      switch (random.nextInt(6)) {
        case 0 -> sb.setLength(at);
        case 1 -> sb.setCharAt(at, (char) (sb.charAt(at) ^ (1 << random.nextInt(7))));
        case 2 -> {
          int brace = indexOfBrace(sb, at);
          if (brace >= 0) {
            sb.deleteCharAt(brace);
          }
        }
        case 3 -> {
          int brace = indexOfBrace(sb, at);
          if (brace >= 0) {
            sb.insert(brace, sb.charAt(brace));
          }
        }
        case 4 -> {
          StringBuilder junk = new StringBuilder();
          for (int k = random.nextInt(1, 12); k > 0; k--) {
            junk.append(JUNK.charAt(random.nextInt(JUNK.length())));
          }
          sb.insert(at, junk);
        }
        default -> {
          int end = Math.min(sb.length(), at + random.nextInt(1, 40));
          sb.insert(random.nextInt(sb.length()), sb.substring(at, end));
        }
      }
    }
    return sb.toString();
  }

  private static int indexOfBrace(StringBuilder sb, int from) {
    for (int k = from; k < sb.length(); k++) {
      char c = sb.charAt(k);
      if (c == '{' || c == '}' || c == '[' || c == ']') {
        return k;
      }
    }
    return -1;
  }
}
