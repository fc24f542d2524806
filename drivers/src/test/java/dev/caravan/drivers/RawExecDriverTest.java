package dev.caravan.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawExecDriverTest {
  @TempDir Path dir;
  private final RawExecDriver driver = new RawExecDriver(enabled());
  private final List<TaskHandle> started = new ArrayList<>();

  @AfterEach
  void leaveNoProcessRunning() {
    started.forEach(driver::destroy);
  }

  @Test
  void runsAShellCommandInTheTaskDirectory() throws Exception {
    TaskHandle handle = start(shell("echo made > out.txt; echo to-stdout; echo to-stderr >&2"));

    ExitResult result = driver.waitTask(handle).get(30, TimeUnit.SECONDS);

    assertEquals(new ExitResult(0, 0, false, null), result);
    assertEquals("made\n", Files.readString(dir.resolve("out.txt")));
    assertEquals("to-stdout\n", Files.readString(dir.resolve("logs/web.stdout.0")));
    assertEquals("to-stderr\n", Files.readString(dir.resolve("logs/web.stderr.0")));
  }

  @Test
  void reportsTheExitCode() throws Exception {
    TaskHandle handle = start(shell("exit 3"));

    assertEquals(
        new ExitResult(3, 0, false, null), driver.waitTask(handle).get(30, TimeUnit.SECONDS));
  }

  @Test
  void givesTheTaskItsEnvironmentAndTheAgentsPath() throws Exception {
    TaskConfig base = Tasks.task("web", shell("echo \"$GREETING\"; command -v sh"), dir);
    TaskConfig withEnv =
        new TaskConfig(
            base.id(), base.allocId(), base.jobId(), base.groupName(), base.taskName(),
            base.config(), Map.of("GREETING", "hello"), null, null, dir, dir, base.logs());
    TaskHandle handle = driver.start(withEnv);
    started.add(handle);

    driver.waitTask(handle).get(30, TimeUnit.SECONDS);

    List<String> lines = Files.readAllLines(dir.resolve("logs/web.stdout.0"));
    assertEquals("hello", lines.get(0));
    assertTrue(lines.get(1).endsWith("/sh"), lines.get(1));
  }

  @Test
  void runsACommandRelativeToTheTaskDirectory() throws Exception {
    Path script = Files.createDirectories(dir.resolve("local")).resolve("run.sh");
    Files.writeString(script, "#!/bin/sh\nexit 4\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

    TaskHandle handle = start(Map.of("command", "local/run.sh"));

    assertEquals(4, driver.waitTask(handle).get(30, TimeUnit.SECONDS).exitCode());
  }

  @Test
  void stopsWithSigterm() throws Exception {
    TaskHandle handle = start(shell("sleep 60; echo never"));

    driver.stop(handle, Duration.ofSeconds(10), null);

    assertEquals(
        new ExitResult(128 + 15, 15, false, null),
        driver.waitTask(handle).get(30, TimeUnit.SECONDS));
  }

  @Test
  void stopsWithTheGivenSignalThroughKill() throws Exception {
    TaskHandle handle =
        start(shell("trap 'exit 7' INT; touch ready; while true; do sleep 0.1; done"));
    awaitTrue(() -> Files.exists(dir.resolve("ready")));

    driver.stop(handle, Duration.ofSeconds(10), "SIGINT");

    assertEquals(
        new ExitResult(7, 0, false, null), driver.waitTask(handle).get(30, TimeUnit.SECONDS));
  }

  @Test
  void killsATaskIgnoringSigtermAndItsChildrenAfterTheKillTimeout() throws Exception {
    TaskHandle handle = start(shell("trap '' TERM; sleep 60; echo never"));
    ProcessHandle shell = ProcessHandle.of(Long.parseLong(handle.state().get("pid"))).orElseThrow();
    awaitTrue(() -> shell.descendants().findAny().isPresent());
    List<ProcessHandle> children = shell.descendants().toList();

    driver.stop(handle, Duration.ofMillis(200), "SIGTERM");

    assertEquals(
        new ExitResult(128 + 9, 9, false, null),
        driver.waitTask(handle).get(30, TimeUnit.SECONDS));
    for (ProcessHandle child : children) {
      assertTrue(child.onExit().get(30, TimeUnit.SECONDS) != null);
      assertFalse(child.isAlive());
    }
  }

  @Test
  void stoppingAnExitedTaskIsNoError() throws Exception {
    TaskHandle handle = start(shell("exit 0"));
    driver.waitTask(handle).get(30, TimeUnit.SECONDS);

    driver.stop(handle, Duration.ofSeconds(1), null);

    assertEquals(0, driver.waitTask(handle).get().exitCode());
  }

  @Test
  void failsToStartACommandNotFound() {
    DriverException e =
        assertThrows(
            DriverException.class, () -> start(Map.of("command", "no-such-command-anywhere")));

    assertEquals("command not found: no-such-command-anywhere", e.getMessage());
  }

  @Test
  void reportsUnknownKeysAndAMissingCommand() {
    List<String> errors = driver.validateConfig(Map.of("foo", "x", "args", "not-a-list"));

    assertEquals(
        List.of(
            "key \"args\" in raw_exec config must be a list of strings",
            "unknown key \"foo\" in raw_exec config",
            "missing required key \"command\" in raw_exec config"),
        errors);
  }

  @Test
  void aNewDriverRecoversARunningTaskAndStopsIt() throws Exception {
    TaskHandle handle = start(shell("sleep 60; echo never"));
    RawExecDriver afterRestart = new RawExecDriver(enabled());

    TaskHandle recovered = afterRestart.recover(handle);
    assertFalse(afterRestart.waitTask(recovered).isDone());
    afterRestart.stop(recovered, Duration.ofSeconds(10), null);

    assertEquals(
        new ExitResult(ExitResult.UNKNOWN_EXIT_CODE, 15, false, null),
        afterRestart.waitTask(recovered).get(30, TimeUnit.SECONDS));
  }

  @Test
  void cannotRecoverATaskThatExited() throws Exception {
    TaskHandle handle = start(shell("exit 0"));
    driver.waitTask(handle).get(30, TimeUnit.SECONDS);

    DriverException e =
        assertThrows(DriverException.class, () -> new RawExecDriver(enabled()).recover(handle));

    assertEquals(
        "process " + handle.state().get("pid") + " of task alloc-1/web is no longer running",
        e.getMessage());
  }

  @Test
  void cannotRecoverAProcessWithAnotherStartTime() throws Exception {
    TaskHandle handle = start(shell("sleep 60"));
    Map<String, String> state = new HashMap<>(handle.state());
    state.put("start_time", "2000-01-01T00:00:00Z");

    TaskHandle otherProcess = new TaskHandle("raw_exec", handle.taskId(), state);

    assertThrows(
        DriverException.class, () -> new RawExecDriver(enabled()).recover(otherProcess));
  }

  @Test
  void isUndetectedAndRefusesToStartWhenDisabled() {
    RawExecDriver disabled = new RawExecDriver(DriverOptions.defaults());

    Fingerprint fingerprint = disabled.fingerprint();
    TaskConfig task = Tasks.task("web", shell("exit 0"), dir);
    DriverException e = assertThrows(DriverException.class, () -> disabled.start(task));

    assertFalse(fingerprint.detected());
    assertEquals(RawExecDriver.DISABLED, fingerprint.healthDescription());
    assertEquals(
        "raw_exec is disabled (client config plugin \"raw_exec\" enabled = true)", e.getMessage());
  }

  private TaskHandle start(Map<String, Object> config) throws DriverException {
    TaskHandle handle = driver.start(Tasks.task("web", config, dir));
    started.add(handle);
    return handle;
  }

  private static Map<String, Object> shell(String script) {
    return Map.of("command", "sh", "args", List.of("-c", script));
  }

  private static DriverOptions enabled() {
    return new DriverOptions(true, false, null, Map.of());
  }

  /** Polls a condition every 20 ms, failing after 30 s. */
  static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 1500 && !condition.getAsBoolean(); i++) {
      Thread.sleep(20);
    }
    assertTrue(condition.getAsBoolean(), "condition not met within 30 s");
  }
}
