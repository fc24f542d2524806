package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.TaskState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllocCommandTest {
  @TempDir static Path dir;
  private static TestAgent agent;

  @BeforeAll
  static void startAgent() throws Exception {
    agent = new TestAgent(dir);
  }

  @AfterAll
  static void stopAgent() {
    agent.close();
  }

  @Test
  void printsTheAllocationItsTasksAndRecentEventsByIdPrefix() throws Exception {
    Allocation web = agent.run(TestAgent.shellJob("web", Job.TYPE_SERVICE, "exec sleep 300"),
        s -> s.state().equals(TaskState.RUNNING));

    Result r = cli("alloc", "status", "-address", agent.address, web.id().substring(0, 6));

    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("ID                  = " + web.id().substring(0, 8) + "\n"), r.out);
    assertTrue(r.out.contains("Job ID              = web\n"), r.out);
    assertTrue(r.out.contains("Client Status       = running\n"), r.out);
    assertTrue(r.out.contains("Task \"main\" is \"running\"\n"), r.out);
    assertTrue(r.out.matches("(?s).*Started\\s+Task started by client\n.*"), r.out);
  }

  @Test
  void showsWhyATaskWithBadConfigFailed() throws Exception {
    Allocation broken = agent.run(TestAgent.job("broken", Job.TYPE_SERVICE, "raw_exec",
        Map.of("command", "/bin/true", "comand", "x")), s -> s.state().equals(TaskState.DEAD));

    Result r = cli("alloc", "status", "-address", agent.address, "-verbose", broken.id());

    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("Task \"main\" is \"dead\" (failed)\n"), r.out);
    assertTrue(r.out.matches(
        "(?s).*Failed Validation\\s+unknown key \"comand\" in raw_exec config\n.*"), r.out);
  }

  @Test
  void anUnknownPrefixIsAnError() {
    Result r = cli("alloc", "status", "-address", agent.address, "zz-not-an-alloc");

    assertEquals(1, r.code);
    assertEquals("Error: No allocation(s) with prefix or id \"zz-not-an-alloc\" found\n", r.err);
  }

  @Test
  void logsPrintsTheOnlyTasksStdoutAndStderrAndTheTail() throws Exception {
    Allocation done = agent.run(TestAgent.shellJob("talker", Job.TYPE_BATCH,
        "for i in 1 2 3 4 5; do echo out-$i; done; echo oops >&2"),
        s -> s.state().equals(TaskState.DEAD));
    String prefix = done.id().substring(0, 8);

    Result all = cli("alloc", "logs", "-address", agent.address, prefix);
    Result err = cli("alloc", "logs", "-address", agent.address, "-stderr", prefix, "main");
    Result tail = cli("alloc", "logs", "-address", agent.address, "-tail", "-n", "2", prefix);
    Result followed = cli("alloc", "logs", "-address", agent.address, "-f", prefix);

    assertEquals(0, all.code, all.err);
    assertEquals("out-1\nout-2\nout-3\nout-4\nout-5\n", all.out);
    assertEquals("oops\n", err.out, err.err);
    assertEquals("out-4\nout-5\n", tail.out, tail.err);
    assertEquals(all.out, followed.out, "-f ends when the task is dead: " + followed.err);
  }

  @Test
  void logsOfAnUnknownTaskNamesIt() throws Exception {
    Allocation web = agent.run(TestAgent.shellJob("quiet", Job.TYPE_SERVICE, "exec sleep 300"),
        s -> s.state().equals(TaskState.RUNNING));

    Result r = cli("alloc", "logs", "-address", agent.address, web.id(), "nope");

    assertEquals(1, r.code);
    assertEquals("Error: unknown task \"nope\" in allocation \"" + web.id() + "\"\n", r.err);
  }

  @Test
  void lastLinesCountsLinesFromTheEnd() {
    assertEquals("c\n", AllocLogsCommand.lastLines("a\nb\nc\n", 1));
    assertEquals("b\nc", AllocLogsCommand.lastLines("a\nb\nc", 2));
    assertEquals("a\nb\nc\n", AllocLogsCommand.lastLines("a\nb\nc\n", 10));
    assertEquals("", AllocLogsCommand.lastLines("a\n", 0));
  }

  private record Result(int code, String out, String err) {}

  private static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }
}
