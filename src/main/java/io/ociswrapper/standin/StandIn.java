package io.ociswrapper.standin;

import io.ociswrapper.process.DebugPorts;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the oCIS binary: behaves like oCIS at the edges the wrapper touches
 * (sub-commands, readiness URLs, a terminal-reading command, signals, output) and adds
 * fault modes, chosen by environment variables, so that the wrapper can be tested
 * against a real child process. It uses only the JDK, so it runs wherever the wrapper does.
 *
 * <p>Started as {@code scripts/ocis-standin}, which execs the JVM in place so that the
 * wrapper's pid is the stand-in's pid.
 */
public final class StandIn {

  private StandIn() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    Events events = Events.fromEnv(env);
    List<String> argv = Arrays.asList(args);
    int code = run(argv, env, events);
    System.out.flush();
    System.exit(code);
  }

  static int run(List<String> argv, Map<String, String> env, Events events) throws Exception {
    PrintStream out = System.out;
    if (argv.isEmpty()) {
      out.println("Usage: ocis <command> [arguments]");
      return 1;
    }
    String command = argv.get(0);
    List<String> rest = argv.subList(1, argv.size());
    switch (command) {
      case "server":
        return new ServerMode(env, events, "ocis").run();
      case "list":
        return list(out);
      case "version":
        out.println("Version: 7.0.0-standin");
        return 0;
      case "idm":
        return idm(rest, out);
      case "sleep":
        return Commands.sleep(rest, out);
      case "args":
        return Commands.printArgs(rest, out);
      case "exit":
        return Commands.exit(rest, out);
      case "env":
        return Commands.printEnv(rest, env, out);
      case "lines":
        return Commands.lines(rest, out);
      case "prompt":
        return Commands.prompt(rest, out);
      default:
        if (rest.size() == 1 && rest.get(0).equals("server")) {
          return new ServerMode(env, events, command).run();
        }
        System.err.println("Error: unknown command \"" + command + "\" for \"ocis\"");
        return 1;
    }
  }

  private static int list(PrintStream out) {
    out.println("+--------------------+---------+");
    out.println("|      SERVICE       | STATUS  |");
    out.println("+--------------------+---------+");
    for (String service : DebugPorts.names()) {
      out.printf("| %-18s | running |%n", service);
    }
    out.println("+--------------------+---------+");
    return 0;
  }

  /** {@code idm resetpassword -u NAME}: like oCIS, reads the new password twice from a terminal. */
  private static int idm(List<String> args, PrintStream out) throws IOException {
    if (args.isEmpty() || !args.get(0).equals("resetpassword")) {
      System.err.println("Error: unknown idm command");
      return 1;
    }
    String user = "admin";
    int u = args.indexOf("-u");
    if (u >= 0 && u + 1 < args.size()) {
      user = args.get(u + 1);
    }
    Console console = System.console();
    if (console == null) {
      System.err.println("Error: could not read password: not a terminal");
      return 1;
    }
    out.printf("Resetting password for user '%s'.%n", user);
    char[] first = console.readPassword("Enter new password: ");
    char[] second = console.readPassword("Re-enter new password: ");
    if (first == null || second == null) {
      System.err.println("Error: no password given");
      return 1;
    }
    if (!Arrays.equals(first, second)) {
      out.println("Passwords do not match");
      return 1;
    }
    out.printf("Password for user '%s' updated (%d characters)%n", user, first.length);
    return 0;
  }
}
