package dev.caravan.drivers;

import static dev.caravan.drivers.Tasks.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MockDriverTest {
  @TempDir Path dir;
  private final MockDriver driver = new MockDriver();

  @Test
  void exitsWithTheConfiguredCodeAfterRunFor() throws Exception {
    TaskHandle handle = driver.start(task("web", Map.of("run_for", "10ms", "exit_code", 3), dir));

    ExitResult result = driver.waitTask(handle).get(10, TimeUnit.SECONDS);

    assertEquals(new ExitResult(3, 0, false, null), result);
  }

  @Test
  void runsUntilStoppedWithoutRunFor() throws Exception {
    TaskHandle handle = driver.start(task("web", Map.of(), dir));
    assertFalse(driver.waitTask(handle).isDone());

    driver.stop(handle, Duration.ofSeconds(5), null);

    assertEquals(
        new ExitResult(0, 15, false, null), driver.waitTask(handle).get(10, TimeUnit.SECONDS));
  }

  @Test
  void diesOfTheStopSignalWhenKillAfterIsWithinTheKillTimeout() throws Exception {
    TaskHandle handle = driver.start(task("web", Map.of("kill_after", "20ms"), dir));

    driver.stop(handle, Duration.ofSeconds(5), "SIGINT");

    assertEquals(new ExitResult(0, 2, false, null), driver.waitTask(handle).getNow(null));
  }

  @Test
  void isKilledWhenKillAfterOutlastsTheKillTimeout() throws Exception {
    TaskHandle handle = driver.start(task("web", Map.of("kill_after", "1h"), dir));

    driver.stop(handle, Duration.ofMillis(20), "SIGTERM");

    assertEquals(new ExitResult(0, 9, false, null), driver.waitTask(handle).getNow(null));
  }

  @Test
  void stoppingAnExitedTaskIsNoError() throws Exception {
    TaskHandle handle = driver.start(task("web", Map.of("run_for", "0"), dir));
    driver.waitTask(handle).get(10, TimeUnit.SECONDS);

    driver.stop(handle, Duration.ofSeconds(1), null);

    assertEquals(new ExitResult(0, 0, false, null), driver.waitTask(handle).getNow(null));
  }

  @Test
  void startFailsWithStartError() {
    DriverException e =
        assertThrows(
            DriverException.class,
            () -> driver.start(task("web", Map.of("start_error", "boom"), dir)));

    assertEquals("boom", e.getMessage());
    assertFalse(e.recoverable());
  }

  @Test
  void aStartErrorIsRecoverableWhenConfiguredSo() {
    DriverException e =
        assertThrows(
            DriverException.class,
            () ->
                driver.start(
                    task(
                        "web",
                        Map.of("start_error", "busy", "start_error_recoverable", true),
                        dir)));

    assertTrue(e.recoverable());
  }

  @Test
  void writesStdoutAndStderrStringsToTheLogs() throws Exception {
    Map<String, Object> config =
        Map.of("stdout_string", "hello", "stderr_string", "oops", "run_for", "0");

    driver.start(task("web", config, dir));

    assertEquals("hello", Files.readString(dir.resolve("logs/web.stdout.0")));
    assertEquals("oops", Files.readString(dir.resolve("logs/web.stderr.0")));
  }

  @Test
  void reportsUnknownKeysAndWrongTypes() {
    List<String> errors =
        driver.validateConfig(Map.of("foo", 1, "run_for", "soon", "exit_code", "zero"));

    assertEquals(
        List.of(
            "key \"exit_code\" in mock config must be an integer",
            "unknown key \"foo\" in mock config",
            "key \"run_for\" in mock config must be a duration such as \"10s\":"
                + " invalid duration \"soon\""),
        errors);
  }

  @Test
  void startRejectsAnInvalidConfig() {
    TaskConfig invalid = task("web", Map.of("foo", 1), dir);

    DriverException e = assertThrows(DriverException.class, () -> driver.start(invalid));

    assertEquals("unknown key \"foo\" in mock config", e.getMessage());
  }

  @Test
  void cannotRecoverATaskAfterARestart() throws Exception {
    TaskHandle handle = driver.start(task("web", Map.of(), dir));

    DriverException e =
        assertThrows(DriverException.class, () -> new MockDriver().recover(handle));

    assertEquals(
        "mock task alloc-1/web cannot be recovered: mock tasks do not survive a client restart",
        e.getMessage());
    driver.destroy(handle);
  }

  @Test
  void destroyEndsARunningTask() throws Exception {
    TaskHandle handle = driver.start(task("web", Map.of(), dir));

    driver.destroy(handle);
    driver.destroy(handle);

    assertTrue(driver.waitTask(handle).isDone());
  }

  @Test
  void fingerprintsAsDetectedAndHealthy() {
    Fingerprint fingerprint = driver.fingerprint();

    assertTrue(fingerprint.detected());
    assertTrue(fingerprint.healthy());
  }
}
