package io.ociswrapper.standin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The stand-in's short-lived CLI commands, used through {@code POST /command}. */
final class Commands {

  private Commands() {
  }

  /** {@code sleep SECONDS [--grandchild]}: for command timeouts; the grandchild must die with it. */
  static int sleep(List<String> args, PrintStream out) throws Exception {
    double seconds = args.isEmpty() ? 3600 : Double.parseDouble(args.get(0));
    if (args.contains("--grandchild")) {
      Process child = new ProcessBuilder("sleep", "3600").inheritIO().start();
      out.println("grandchild " + child.pid());
    }
    out.println("sleeping " + seconds);
    Thread.sleep((long) (seconds * 1000));
    out.println("woke up");
    return 0;
  }

  /** {@code args ...}: prints its arguments as a JSON array, to check how a command was split. */
  static int printArgs(List<String> args, PrintStream out) {
    out.println(Json.array(args));
    return 0;
  }

  /** {@code exit CODE [MESSAGE...]}: a command that fails the way oCIS commands do. */
  static int exit(List<String> args, PrintStream out) {
    int code = args.isEmpty() ? 1 : Integer.parseInt(args.get(0));
    if (args.size() > 1) {
      out.println(String.join(" ", args.subList(1, args.size())));
    }
    return code;
  }

  /** {@code env NAME...}: prints NAME=value for each variable, to check a command's environment. */
  static int printEnv(List<String> names, Map<String, String> env, PrintStream out) {
    for (String name : names) {
      out.println(name + "=" + env.getOrDefault(name, ""));
    }
    return 0;
  }

  /** {@code lines N}: N numbered lines, for large outputs. */
  static int lines(List<String> args, PrintStream out) {
    int n = args.isEmpty() ? 10 : Integer.parseInt(args.get(0));
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      b.append("line ").append(i).append('\n');
    }
    out.print(b);
    out.flush();
    return 0;
  }

  /**
   * {@code prompt [N]}: reads N visible lines from standard input and repeats them, the way a
   * command that asks a question does (the terminal would echo what is typed).
   */
  static int prompt(List<String> args, PrintStream out) throws IOException {
    int n = args.isEmpty() ? 1 : Integer.parseInt(args.get(0));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (int i = 1; i <= n; i++) {
      out.print("Question " + i + "? ");
      out.flush();
      String answer = in.readLine();
      if (answer == null) {
        out.println();
        System.err.println("Error: no answer");
        return 1;
      }
      out.println("answer " + i + " is [" + answer + "]");
    }
    return 0;
  }
}
