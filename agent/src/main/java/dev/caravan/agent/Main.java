package dev.caravan.agent;

import dev.caravan.cluster.client.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code caravan} executable: agent, CLI and version in one binary. */
@Command(name = "caravan", mixinStandardHelpOptions = false,
    description = "GitOps orchestrator: Nomad-style jobs in Git, run on your own fleet.",
    subcommands = {AgentCommand.class, JobCommand.class, AllocCommand.class,
        DeploymentCommand.class,
        NodeCommand.class,
        ServerCommand.class,
        SourceCommand.class,
        PlanCommand.class,
        Main.VersionCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  /**
   * Ratis' shaded gRPC logs through java.util.logging (an INFO line about epoll at start-up);
   * held here so the level set on it is not garbage-collected with the logger.
   */
  private static final java.util.logging.Logger GRPC_LOG =
      java.util.logging.Logger.getLogger("org.apache.ratis.thirdparty.io.grpc");

  public static void main(String[] args) {
    GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line; returns its exit code. Bad flags print one line and return 1. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler((ex, a) -> {
      err.println("Error: " + ex.getMessage());
      return 1;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof ConfigException || ex instanceof CliException) {
        err.println("Error: " + ex.getMessage());
        return 1;
      }
      throw ex;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  @Command(name = "version", description = "Print Caravan's version.")
  static final class VersionCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().getOut().println("Caravan v" + Version.VERSION);
    }
  }

  /** A CLI failure whose message is the whole story: printed as one line, exit code 1. */
  static final class CliException extends Exception {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
      super(message);
    }
  }
}
