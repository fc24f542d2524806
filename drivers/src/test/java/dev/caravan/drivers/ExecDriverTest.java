package dev.caravan.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecDriverTest {
  @TempDir Path dir;
  private final ExecDriver driver = new ExecDriver();
  private final List<TaskHandle> started = new ArrayList<>();

  @BeforeEach
  void onlyOnLinux() {
    assumeTrue(driver.fingerprint().detected(), "exec driver not usable here");
  }

  @AfterEach
  void leaveNoProcessRunning() {
    started.forEach(driver::destroy);
  }

  @Test
  void runsAsNobodyWhenTheClientIsRoot() throws Exception {
    assumeTrue(System.getProperty("user.name").equals("root"), "needs a root client");

    TaskHandle handle = start(Map.of("command", "id", "args", List.of("-un")), null);

    assertEquals(0, driver.waitTask(handle).get(30, TimeUnit.SECONDS).exitCode());
    assertEquals("nobody\n", Files.readString(dir.resolve("logs/web.stdout.0")));
  }

  @Test
  void runsAsTheTasksUser() throws Exception {
    String me = System.getProperty("user.name");

    TaskHandle handle = start(Map.of("command", "id", "args", List.of("-un")), me);

    assertEquals(0, driver.waitTask(handle).get(30, TimeUnit.SECONDS).exitCode());
    assertEquals(me + "\n", Files.readString(dir.resolve("logs/web.stdout.0")));
  }

  @Test
  void runsTheTaskInItsOwnSession() throws Exception {
    String script = "read -r line < /proc/$$/stat; set -- $line; echo \"$1 $6\"";

    TaskHandle handle = start(Map.of("command", "sh", "args", List.of("-c", script)), null);

    driver.waitTask(handle).get(30, TimeUnit.SECONDS);
    String[] pidAndSession = Files.readString(dir.resolve("logs/web.stdout.0")).trim().split(" ");
    assertEquals(handle.state().get("pid"), pidAndSession[0]);
    assertEquals(pidAndSession[0], pidAndSession[1]);
  }

  @Test
  void stopsTheTaskWithSigterm() throws Exception {
    TaskHandle handle =
        start(Map.of("command", "sh", "args", List.of("-c", "sleep 60; echo never")), null);

    driver.stop(handle, Duration.ofSeconds(10), null);

    assertEquals(15, driver.waitTask(handle).get(30, TimeUnit.SECONDS).signal());
  }

  @Test
  void failsToStartForAnUnknownUser() {
    assumeTrue(System.getProperty("user.name").equals("root"), "needs a root client");

    DriverException e =
        assertThrows(
            DriverException.class,
            () -> start(Map.of("command", "true"), "no-such-user-anywhere"));

    assertEquals("unknown user \"no-such-user-anywhere\"", e.getMessage());
  }

  @Test
  void aClientNotRunningAsRootCannotSwitchUsers() {
    ExecDriver unprivileged = new ExecDriver(true, "caravan");
    TaskConfig task = task(Map.of("command", "true"), "nobody");

    DriverException e = assertThrows(DriverException.class, () -> unprivileged.start(task));

    assertEquals(
        "exec driver cannot run a task as user \"nobody\":"
            + " the client runs as \"caravan\", not root",
        e.getMessage());
  }

  @Test
  void isUndetectedOffLinux() {
    Fingerprint fingerprint = new ExecDriver(false, "root").fingerprint();

    assertFalse(fingerprint.detected());
    assertEquals("exec driver requires Linux", fingerprint.healthDescription());
  }

  private TaskHandle start(Map<String, Object> config, String user) throws DriverException {
    TaskHandle handle = driver.start(task(config, user));
    started.add(handle);
    return handle;
  }

  private TaskConfig task(Map<String, Object> config, String user) {
    TaskConfig base = Tasks.task("web", config, dir);
    return new TaskConfig(
        base.id(), base.allocId(), base.jobId(), base.groupName(), base.taskName(),
        config, Map.of(), user, null, dir, dir, base.logs());
  }
}
