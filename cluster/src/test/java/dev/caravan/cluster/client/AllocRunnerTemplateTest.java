package dev.caravan.cluster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.TaskState;
import dev.caravan.cluster.structs.Template;
import dev.caravan.drivers.Drivers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates rendered before a task starts and re-rendered when their source changes. */
class AllocRunnerTemplateTest {
  @TempDir Path dir;
  private final AtomicReference<Allocation> reported = new AtomicReference<>();
  private AllocRunner runner;

  @AfterEach
  void stopRunner() {
    if (runner != null) {
      runner.stop();
    }
  }

  @Test
  void aTaskReadsItsRenderedTemplatesWithTheirPerms() throws Exception {
    Template inline = template(null, "local/app.conf",
        "alloc={{ env \"NOMAD_ALLOC_ID\" }} {{- /* the id */}}\ngreeting={{ env \"GREETING\" }}\n",
        "noop", null);
    Template secret = new Template(null, "secrets/token", "[[ env \"CARAVAN_TASK_NAME\" ]]",
        "noop", null, Duration.ZERO, "0600", "[[", "]]", false);

    start("raw_exec", Map.of("command", "/bin/sh", "args", List.of("-c",
        "cat \"$NOMAD_TASK_DIR/app.conf\" \"$NOMAD_SECRETS_DIR/token\"; sleep 30")),
        List.of(inline, secret));

    awaitLog("alloc=a1\ngreeting=hello\nmain");
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(taskDir().resolve("secrets/token"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(taskDir().resolve("local/app.conf"))));
  }

  @Test
  void aChangedSourceRestartsTheTaskWithTheNewContent() throws Exception {
    writeSource("version=1 {{ env \"NOMAD_ALLOC_ID\" }}");

    start("raw_exec", Map.of("command", "/bin/sh", "args", List.of("-c",
        "cat \"$NOMAD_TASK_DIR/app.conf\"; echo; sleep 30")),
        List.of(template("local/app.tpl", "local/app.conf", null, "restart", null)));
    awaitLog("version=1 a1\n");
    writeSource("version=2 {{ env \"NOMAD_ALLOC_ID\" }}");

    awaitLog("version=1 a1\nversion=2 a1\n");
    TaskState s = awaitTask(t -> t.state().equals(TaskState.RUNNING)
        && ClientHarness.hasEvent(t, "Restart Signaled",
            "Template with change_mode restart re-rendered"));
    assertEquals(0, s.restarts());
  }

  @Test
  void aChangedSourceSignalsTheTaskWhenTheDriverCan() throws Exception {
    writeSource("version=1");

    start("raw_exec", Map.of("command", "/bin/sh", "args", List.of("-c",
        "trap 'cat \"$NOMAD_TASK_DIR/app.conf\"; echo' HUP; echo up; "
            + "while true; do sleep 0.1; done")),
        List.of(template("local/app.tpl", "local/app.conf", null, "signal", "SIGHUP")));
    awaitLog("up\n");
    writeSource("version=2");

    awaitLog("up\nversion=2\n");
    TaskState s = awaitTask(t -> ClientHarness.hasEvent(t, "Signaling",
        "Template local/app.conf re-rendered: sent SIGHUP"));
    assertEquals(TaskState.RUNNING, s.state());
  }

  @Test
  void aDriverThatCannotSignalSaysSoAndTheTaskKeepsRunning() throws Exception {
    writeSource("version=1");
    start("mock", Map.of("run_for", "60s"),
        List.of(template("local/app.tpl", "local/app.conf", null, "signal", "SIGHUP")));
    awaitTask(t -> t.state().equals(TaskState.RUNNING));

    writeSource("version=2");

    TaskState s = awaitTask(t -> ClientHarness.hasEvent(t, "Signaling",
        "Template local/app.conf re-rendered but driver mock cannot send signals: SIGHUP not sent"));
    assertEquals(TaskState.RUNNING, s.state());
    assertEquals("version=2", Files.readString(taskDir().resolve("local/app.conf")));
  }

  @Test
  void aNoopTemplateIsRewrittenWithoutTouchingTheTask() throws Exception {
    writeSource("version=1");
    start("mock", Map.of("run_for", "60s"),
        List.of(template("local/app.tpl", "local/app.conf", null, "noop", null)));
    awaitTask(t -> t.state().equals(TaskState.RUNNING));

    writeSource("version=2");

    awaitFile(taskDir().resolve("local/app.conf"), "version=2");
    TaskState s = reported.get().taskStates().get("main");
    assertEquals(TaskState.RUNNING, s.state());
    assertFalse(s.events().stream().anyMatch(e -> e.type().equals("Restart Signaled")
        || e.type().equals("Signaling")), s.events().toString());
  }

  @Test
  void anUnsupportedFunctionFailsTheTaskBeforeItStarts() throws Exception {
    start("raw_exec", Map.of("command", "/bin/true"),
        List.of(template(null, "local/app.conf", "a\n{{ key \"app/port\" }}", "restart", null)));

    TaskState s = awaitTask(t -> t.state().equals(TaskState.DEAD));

    assertTrue(s.failed());
    assertTrue(ClientHarness.hasEvent(s, "Task hook failed", "Template failed: local/app.conf:2: "
        + "function \"key\" is not supported (Caravan renders templates without Consul or Vault:"
        + " only env \"NAME\", string literals and comments)"), s.events().toString());
    assertFalse(s.events().stream().anyMatch(e -> e.type().equals("Started")));
  }

  @Test
  void aDestinationOutsideTheAllocationDirectoryIsRefused() throws Exception {
    start("mock", Map.of(), List.of(template(null, "../../escape", "x", "noop", null)));

    TaskState s = awaitTask(t -> t.state().equals(TaskState.DEAD));

    assertTrue(ClientHarness.hasEvent(s, "Task hook failed",
        "Template failed: ../../escape: destination ../../escape escapes the allocation directory"),
        s.events().toString());
    assertFalse(Files.exists(dir.resolve("escape")));
  }

  @Test
  void aMissingSourceFailsTheTaskNamingTheFile() throws Exception {
    start("mock", Map.of(), List.of(template("local/none.tpl", "local/app.conf", null, "noop",
        null)));

    TaskState s = awaitTask(t -> t.state().equals(TaskState.DEAD));

    String message = s.events().get(s.events().size() - 1).message();
    assertTrue(message.startsWith("Template failed: local/app.conf: source local/none.tpl does "
        + "not exist"), message);
  }

  private static Template template(String source, String dest, String data, String mode,
      String signal) {
    return new Template(source, dest, data, mode, signal, Duration.ZERO, "0644", "{{", "}}",
        false);
  }

  private Path taskDir() {
    return dir.resolve("alloc").resolve("a1").resolve("main");
  }

  /** Writes the source template, its modification time moved on so the poll sees a change. */
  private void writeSource(String text) throws Exception {
    Path source = taskDir().resolve("local/app.tpl");
    Files.createDirectories(source.getParent());
    FileTime before = Files.exists(source) ? Files.getLastModifiedTime(source) : null;
    Files.writeString(source, text);
    if (before != null) {
      Files.setLastModifiedTime(source, FileTime.fromMillis(before.toMillis() + 2000));
    }
  }

  private void start(String driver, Map<String, Object> config, List<Template> templates) {
    Task task = Task.builder().name("main").driver(driver).config(config)
        .env(Map.of("GREETING", "hello")).templates(templates)
        .killTimeout(Duration.ofSeconds(2)).build();
    Job job = Job.builder().id("web").name("web").type(Job.TYPE_SERVICE)
        .taskGroups(List.of(TaskGroup.builder().name("g").count(1).tasks(List.of(task))
            .restartPolicy(ClientHarness.noRestarts()).build()))
        .build();
    Allocation alloc = Allocation.builder().id("a1").name("web.g[0]").jobId("web").job(job)
        .taskGroup("g").namespace("default").build();
    runner = new AllocRunner(alloc, Drivers.load(ClientHarness.RAW_EXEC), dir.resolve("alloc"),
        Clock.systemUTC(), reported::set);
    runner.start();
  }

  private TaskState awaitTask(Predicate<TaskState> ok) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Allocation a = reported.get();
      TaskState s = a == null ? null : a.taskStates().get("main");
      if (s != null && ok.test(s)) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("task never matched: " + s);
      }
      Thread.sleep(50);
    }
  }

  private void awaitLog(String expected) throws Exception {
    awaitFile(dir.resolve("alloc/a1/alloc/logs/main.stdout.0"), expected);
  }

  private static void awaitFile(Path file, String expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      last = Files.exists(file) ? Files.readString(file) : null;
      if (expected.equals(last)) {
        return;
      }
      Thread.sleep(50);
    }
    assertEquals(expected, last);
  }
}
