package dev.caravan.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerDriverTest {
  @TempDir Path dir;
  private final String allocId = "test-" + UUID.randomUUID();
  private final DockerDriver driver = new DockerDriver(DriverOptions.defaults());

  @BeforeEach
  void needsTheEngine() {
    DockerEngine.assumeUsable();
  }

  @AfterEach
  void removeTheContainers() {
    DockerEngine.removeContainersOf(allocId);
  }

  @Test
  void runsTheImageAndStreamsItsOutputIntoTheRotatedLogs() throws Exception {
    TaskHandle handle = driver.start(task("web", shell("echo to-stdout; echo to-stderr >&2")));

    ExitResult result = driver.waitTask(handle).get(60, TimeUnit.SECONDS);

    assertEquals(new ExitResult(0, 0, false, null), result);
    assertEquals("to-stdout\n", Files.readString(dir.resolve("logs/web.stdout.0")));
    assertEquals("to-stderr\n", Files.readString(dir.resolve("logs/web.stderr.0")));
  }

  @Test
  void reportsTheContainersExitCode() throws Exception {
    TaskHandle handle = driver.start(task("web", shell("exit 3")));

    assertEquals(
        new ExitResult(3, 0, false, null), driver.waitTask(handle).get(60, TimeUnit.SECONDS));
  }

  @Test
  void passesTheTaskEnvironmentAndMountsTheTaskDirectories() throws Exception {
    Files.createDirectories(dir.resolve("local"));
    Files.writeString(dir.resolve("local/greeting.txt"), "from-local");
    TaskConfig base = task("web", shell("echo \"$GREETING\"; cat \"$NOMAD_TASK_DIR/greeting.txt\""));
    TaskConfig withEnv =
        new TaskConfig(
            base.id(), base.allocId(), base.jobId(), base.groupName(), base.taskName(),
            base.config(), Map.of("GREETING", "hello"), null, null, dir, dir, base.logs());

    TaskHandle handle = driver.start(withEnv);
    driver.waitTask(handle).get(60, TimeUnit.SECONDS);

    assertEquals("hello\nfrom-local", Files.readString(dir.resolve("logs/web.stdout.0")));
  }

  @Test
  void namesAndLabelsTheContainerAndLimitsItsResources() throws Exception {
    Map<String, Object> config = shell("sleep 300");
    config.put("labels", Map.of("team", "payments"));
    TaskConfig base = task("web", config);
    TaskConfig limited =
        new TaskConfig(
            base.id(), base.allocId(), base.jobId(), base.groupName(), base.taskName(),
            base.config(), Map.of(), null, new TaskConfig.TaskResources(250, 64, 0), dir, dir,
            base.logs());

    TaskHandle handle = driver.start(limited);
    InspectContainerResponse c =
        DockerEngine.client().inspectContainerCmd(handle.state().get("container_id")).exec();

    assertEquals("/web-" + allocId, c.getName());
    assertEquals(allocId, c.getConfig().getLabels().get("caravan.alloc_id"));
    assertEquals("web", c.getConfig().getLabels().get("caravan.task"));
    assertEquals("payments", c.getConfig().getLabels().get("team"));
    assertEquals("host", c.getHostConfig().getNetworkMode());
    assertEquals(64L * 1024 * 1024, c.getHostConfig().getMemory());
    assertEquals(250, c.getHostConfig().getCpuShares());
  }

  @Test
  void stopsWithTheSignalAndKillsAfterTheKillTimeout() throws Exception {
    // sh as pid 1 ignores SIGTERM unless it traps it: the kill after the timeout ends it.
    TaskHandle stubborn = driver.start(task("stubborn", shell("sleep 300")));
    TaskHandle polite =
        driver.start(task("polite", shell("trap 'exit 0' TERM; while true; do sleep 1; done")));

    driver.stop(stubborn, Duration.ofSeconds(1), null);
    driver.stop(polite, Duration.ofSeconds(30), "SIGTERM");

    assertEquals(
        new ExitResult(137, 9, false, null), driver.waitTask(stubborn).get(60, TimeUnit.SECONDS));
    assertEquals(
        new ExitResult(0, 0, false, null), driver.waitTask(polite).get(60, TimeUnit.SECONDS));
  }

  @Test
  void seesAContainerKilledFromOutsideAsExited() throws Exception {
    TaskHandle handle = driver.start(task("web", shell("sleep 300")));

    DockerEngine.client().killContainerCmd(handle.state().get("container_id")).exec();

    assertEquals(
        new ExitResult(137, 0, false, null), driver.waitTask(handle).get(60, TimeUnit.SECONDS));
  }

  @Test
  void aNewDriverRecoversARunningContainerFromItsHandle() throws Exception {
    TaskHandle handle = driver.start(task("web", shell("sleep 300")));
    DockerDriver afterRestart = new DockerDriver(DriverOptions.defaults());

    TaskHandle recovered = afterRestart.recover(handle);
    assertFalse(afterRestart.waitTask(recovered).isDone());
    afterRestart.stop(recovered, Duration.ofSeconds(1), null);

    assertEquals(handle.state().get("container_id"), recovered.state().get("container_id"));
    assertEquals(9, afterRestart.waitTask(recovered).get(60, TimeUnit.SECONDS).signal());
  }

  @Test
  void recoveringAGoneContainerFailsNamingTheTask() throws Exception {
    TaskHandle handle = driver.start(task("web", shell("true")));
    driver.waitTask(handle).get(60, TimeUnit.SECONDS);
    driver.destroy(handle);

    DriverException e =
        assertThrows(
            DriverException.class,
            () -> new DockerDriver(DriverOptions.defaults()).recover(handle));

    assertTrue(e.getMessage().contains("task " + allocId + "/web"), e.getMessage());
  }

  @Test
  void destroyRemovesTheContainer() throws Exception {
    TaskHandle handle = driver.start(task("web", shell("true")));
    driver.waitTask(handle).get(60, TimeUnit.SECONDS);

    driver.destroy(handle);

    assertTrue(
        DockerEngine.client()
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of("caravan.alloc_id", allocId))
            .exec()
            .isEmpty());
  }

  @Test
  void aMissingImageIsAStartErrorNamingTheImage() {
    Map<String, Object> config = new HashMap<>(Map.of("image", "caravan-no-such-image:0.0.1"));

    DriverException e = assertThrows(DriverException.class, () -> driver.start(task("web", config)));

    assertTrue(e.getMessage().startsWith("image caravan-no-such-image:0.0.1 "), e.getMessage());
  }

  @Test
  void keepsOnlyTheEnginesMessageFromItsErrors() {
    RuntimeException engine =
        new RuntimeException(
            "Status 500: {\"message\":\"Get \\\"https://registry/v2/\\\": no such host\"}\n");

    assertEquals("Get \"https://registry/v2/\": no such host", DockerDriver.reason(engine));
  }

  @Test
  void rejectsUnknownKeysBridgeNetworkingAndBadVolumes() {
    List<String> errors =
        driver.validateConfig(
            Map.of(
                "image", DockerEngine.IMAGE,
                "port_map", "http",
                "network_mode", "bridge",
                "volumes", List.of("/data")));

    assertEquals(
        List.of(
            "unknown key \"port_map\" in docker config",
            "network_mode \"bridge\" in docker config is not supported: use \"host\" (the"
                + " default) or \"none\"",
            "volume \"/data\" in docker config must be \"host_path:container_path[:ro]\""),
        errors);
  }

  @Test
  void refusesPrivilegedContainersUnlessTheClientAllowsThem() {
    Map<String, Object> config = shell("true");
    config.put("privileged", true);

    DriverException e = assertThrows(DriverException.class, () -> driver.start(task("web", config)));

    assertEquals(
        "docker privileged containers are not allowed on this client (client config plugin"
            + " \"docker\" allow_privileged = true)",
        e.getMessage());
  }

  @Test
  void asksTheEngineForAPrivilegedContainerWhenTheClientAllowsIt() throws Exception {
    DockerDriver allowing = new DockerDriver(new DriverOptions(false, true, null, Map.of()));
    Map<String, Object> config = shell("sleep 30");
    config.put("privileged", true);

    TaskHandle handle;
    try {
      handle = allowing.start(task("web", config));
    } catch (DriverException e) {
      // An engine inside an unprivileged sandbox cannot grant every capability; it still got
      // the request, which is what this client decides.
      assertTrue(e.getMessage().startsWith("cannot start container web-" + allocId), e.getMessage());
      assumeTrue(false, "this engine cannot run privileged containers: " + e.getMessage());
      return;
    }

    InspectContainerResponse inspected =
        DockerEngine.client().inspectContainerCmd(handle.state().get("container_id")).exec();
    assertTrue(inspected.getHostConfig().getPrivileged());
    allowing.stop(handle, Duration.ofSeconds(1), null);
  }

  @Test
  void refusesHostVolumesUnlessTheClientEnablesThem() throws Exception {
    Map<String, Object> config = shell("true");
    config.put("volumes", List.of("/etc:/host-etc:ro"));

    DriverException e = assertThrows(DriverException.class, () -> driver.start(task("web", config)));

    assertEquals("docker volume \"/etc:/host-etc:ro\" mounts host path /etc, but host volumes"
        + " are not enabled on this client (client config plugin \"docker\" { config { volumes {"
        + " enabled = true } } })", e.getMessage());
    assertFalse(e.recoverable());
  }

  @Test
  void refusesRelativeVolumesThatLeaveTheAllocationDirectory() {
    Map<String, Object> config = shell("true");
    config.put("volumes", List.of("../../outside:/data"));

    DriverException e = assertThrows(DriverException.class,
        () -> driver.start(task("web", config)));

    assertTrue(e.getMessage().startsWith("docker volume \"../../outside:/data\" mounts host path"
        + " ../../outside, but host volumes are not enabled"), e.getMessage());
  }

  @Test
  void mountsVolumesInsideTheAllocationDirectoryAndHostVolumesWhenEnabled() throws Exception {
    Path taskDir = Files.createDirectories(dir.resolve("alloc-1").resolve("web"));
    Files.createDirectories(dir.resolve("alloc-1").resolve("alloc"));
    Files.writeString(dir.resolve("alloc-1/alloc/shared.txt"), "shared");
    Path host = Files.createDirectories(dir.resolve("host"));
    Files.writeString(host.resolve("h.txt"), "from-host");
    DockerDriver enabled = new DockerDriver(new DriverOptions(false, false, null, Map.of(), true));
    Map<String, Object> config = shell("true");
    config.put("volumes", List.of("../alloc:/shared:ro", host + ":/host"));
    TaskConfig base = task("web", config);
    TaskConfig inTaskDir = new TaskConfig(base.id(), base.allocId(), base.jobId(),
        base.groupName(), base.taskName(), config, Map.of(), null, null, null, taskDir,
        base.logs());

    assertThrows(DriverException.class, () -> driver.start(inTaskDir));
    config.put("volumes", List.of("../alloc:/shared:ro"));
    config.put("args", List.of("-c", "cat /shared/shared.txt"));
    ExitResult inAlloc = driver.waitTask(driver.start(inTaskDir)).get(60, TimeUnit.SECONDS);
    config.put("volumes", List.of("../alloc:/shared:ro", host + ":/host"));
    config.put("args", List.of("-c", "cat /shared/shared.txt /host/h.txt"));
    ExitResult both = enabled.waitTask(enabled.start(inTaskDir)).get(60, TimeUnit.SECONDS);

    assertEquals(new ExitResult(0, 0, false, null), inAlloc);
    assertEquals(new ExitResult(0, 0, false, null), both);
  }

  @Test
  void fingerprintsTheEngineVersion() {
    Fingerprint fp = driver.fingerprint();

    assertTrue(fp.healthy(), fp.healthDescription());
    assertFalse(fp.attributes().get("version").isEmpty());
  }

  @Test
  void anEngineThatDoesNotAnswerIsUndetectedWithAReason() {
    DockerDriver nowhere =
        new DockerDriver(
            new DriverOptions(false, false, "unix://" + dir.resolve("no.sock"), Map.of()));

    Fingerprint fp = nowhere.fingerprint();

    assertFalse(fp.healthy());
    assertTrue(fp.healthDescription().startsWith("Docker engine at unix://"), fp.healthDescription());
  }

  private TaskConfig task(String name, Map<String, Object> config) {
    return new TaskConfig(
        allocId + "/" + name, allocId, "job-1", "group", name, config, Map.of(), null, null, dir,
        dir, new TaskConfig.LogSettings(dir.resolve("logs"), 3, 1024 * 1024));
  }

  private static Map<String, Object> shell(String script) {
    Map<String, Object> config = new HashMap<>();
    config.put("image", DockerEngine.IMAGE);
    config.put("command", "sh");
    config.put("args", List.of("-c", script));
    return config;
  }
}
