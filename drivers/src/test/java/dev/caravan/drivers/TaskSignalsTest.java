package dev.caravan.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskSignalsTest {
  /** The signals a process ignores, from its /proc status (bit n-1 for signal n). */
  private static final List<String> PRINT_IGNORED =
      List.of("/bin/sh", "-c", "grep '^SigIgn:' /proc/self/status");

  @Test
  void aTaskStartsWithSignalsItsAgentIgnoredAtTheirDefault() throws Exception {
    assumeTrue(TaskProcess.signalResetter("/usr/bin/env").isPresent(), "coreutils env");
    // the agent as a shell starts it in the background: SIGINT and SIGQUIT ignored
    List<String> fromIgnoringAgent = new ArrayList<>(
        List.of("/usr/bin/env", "--ignore-signal=INT", "--ignore-signal=QUIT"));

    List<String> plain = new ArrayList<>(fromIgnoringAgent);
    plain.addAll(PRINT_IGNORED);
    List<String> reset = new ArrayList<>(fromIgnoringAgent);
    reset.addAll(TaskProcess.withDefaultSignals(PRINT_IGNORED));

    long intAndQuit = (1L << (2 - 1)) | (1L << (3 - 1));
    assertEquals(intAndQuit, ignored(plain) & intAndQuit, "the inherited state this undoes");
    assertEquals(0, ignored(reset) & intAndQuit);
  }

  @Test
  void theCommandRunsAsGivenAfterTheReset() {
    List<String> line = TaskProcess.withDefaultSignals(List.of("/bin/echo", "--", "-x"));
    assertTrue(line.equals(List.of("/bin/echo", "--", "-x"))
        || line.equals(List.of("/usr/bin/env", "--default-signal", "--", "/bin/echo", "--", "-x")),
        line.toString());
  }

  private static long ignored(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertTrue(out.startsWith("SigIgn:"), out);
    return Long.parseUnsignedLong(out.substring("SigIgn:".length()).trim(), 16);
  }
}
