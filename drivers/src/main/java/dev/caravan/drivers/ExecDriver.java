package dev.caravan.drivers;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code exec} driver: like {@code raw_exec}, but always available on Linux, each task in
 * its own session and process group ({@code setsid}), and never as root by accident: when the
 * client runs as root a task runs as its {@code user}, else as {@code nobody} (switched with
 * {@code setpriv}, supplementary groups of that user included). A client not running as root
 * can only run tasks as itself.
 *
 * <p>There is no filesystem or cgroup isolation yet: the task sees the host's filesystem and
 * the task directory is not chowned to the task's user.
 */
final class ExecDriver extends ProcessDriver {
  static final String NAME = "exec";
  static final String UNPRIVILEGED_USER = "nobody";

  private final boolean linux;
  private final String clientUser;

  ExecDriver() {
    this(
        System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"),
        System.getProperty("user.name", ""));
  }

  /** A driver as if on Linux or not, in a client running as {@code clientUser}. */
  ExecDriver(boolean linux, String clientUser) {
    super(NAME);
    this.linux = linux;
    this.clientUser = clientUser;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Fingerprint fingerprint() {
    if (!linux) {
      return Fingerprint.undetected("exec driver requires Linux");
    }
    try {
      resolveCommand("setsid", System.getenv("PATH"), null);
    } catch (DriverException e) {
      return Fingerprint.undetected("exec driver requires setsid (util-linux) on the PATH");
    }
    return new Fingerprint(true, true, "healthy", Map.of());
  }

  @Override
  List<String> launch(TaskConfig config, List<String> commandLine) throws DriverException {
    if (!linux) {
      throw new DriverException("exec driver requires Linux");
    }
    String agentPath = System.getenv("PATH");
    List<String> line = new ArrayList<>();
    line.add(resolveCommand("setsid", agentPath, null).toString());
    String user = runAs(config.user());
    if (user != null) {
      line.add(resolveCommand("setpriv", agentPath, null).toString());
      line.add("--reuid=" + user);
      line.add("--regid=" + primaryGroup(user));
      line.add("--init-groups");
    }
    line.addAll(commandLine);
    return line;
  }

  /** The user to switch to, or null to stay the client's user. */
  private String runAs(String requested) throws DriverException {
    boolean root = clientUser.equals("root");
    String user = requested == null || requested.isBlank() ? null : requested;
    if (root) {
      return user == null ? UNPRIVILEGED_USER : user;
    }
    if (user == null || user.equals(clientUser)) {
      return null;
    }
    throw new DriverException(
        "exec driver cannot run a task as user \"" + user + "\": the client runs as \""
            + clientUser + "\", not root");
  }

  private static String primaryGroup(String user) throws DriverException {
    try {
      Process id = new ProcessBuilder("id", "-g", "--", user).redirectErrorStream(true).start();
      String out = new String(id.getInputStream().readAllBytes(), UTF_8).trim();
      if (!id.waitFor(10, TimeUnit.SECONDS)) {
        id.destroyForcibly();
        throw new DriverException("cannot look up user \"" + user + "\": id timed out", true, null);
      }
      if (id.exitValue() != 0 || !out.matches("\\d+")) {
        throw new DriverException("unknown user \"" + user + "\"");
      }
      return out;
    } catch (IOException e) {
      throw new DriverException("cannot look up user \"" + user + "\": " + e.getMessage(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted looking up user \"" + user + "\"", true, e);
    }
  }
}
