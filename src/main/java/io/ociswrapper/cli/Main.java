package io.ociswrapper.cli;

import io.ociswrapper.Wrapper;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ociswrapper}: the root command; {@code serve} is the only subcommand so far. */
@Command(name = "ociswrapper", mixinStandardHelpOptions = true, versionProvider = Version.class,
    subcommands = ServeCommand.class,
    description = "Supervises an oCIS server for CI test suites (drop-in for the Go ociswrapper).")
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Before any Vert.x class loads: Vert.x logs through SLF4J (logback), like everything else.
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty(Wrapper.TASK_QUANTUM_PROPERTY, System.getProperty(Wrapper.TASK_QUANTUM_PROPERTY, "20"));
    // Netty 4.2 loads the JDK's flight recorder for its buffer events: ~60 ms of every start.
    System.setProperty("io.netty.jfr.enabled", System.getProperty("io.netty.jfr.enabled", "false"));
    System.exit(commandLine(System.getenv(), args).execute(args));
  }

  /** The command line with its defaults from {@code env} and the config file named in {@code args}. */
  public static CommandLine commandLine(Map<String, String> env, String[] args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setDefaultValueProvider(Defaults.load(env, args));
    cli.setParameterExceptionHandler(Main::oneLine);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("ociswrapper: " + e.getMessage());
      return 1;
    });
    return cli;
  }

  /** A bad value or option: one clear line, not a page of usage. */
  private static int oneLine(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println(e.getCommandLine().getCommandSpec().qualifiedName() + ": " + e.getMessage()
        + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
    return 2;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
