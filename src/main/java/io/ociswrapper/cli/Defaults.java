package io.ociswrapper.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Values for options not given as flags: first {@code OCISWRAPPER_<NAME>} from the environment,
 * then {@code <name>} from the config file, then the option's own default (flag > env > file >
 * default). picocli converts and checks them exactly like flags.
 */
final class Defaults implements IDefaultValueProvider {

  static final String DEFAULT_FILE = "config/ociswrapper.properties";

  private final Map<String, String> env;
  private final Properties file;
  private final String problem;

  private Defaults(Map<String, String> env, Properties file, String problem) {
    this.env = env;
    this.file = file;
    this.problem = problem;
  }

  /**
   * The config file comes from {@code --config} (read from the raw arguments: picocli asks for
   * defaults before it parses), else {@code OCISWRAPPER_CONFIG}, else {@value #DEFAULT_FILE} if present.
   */
  static Defaults load(Map<String, String> env, String[] args) {
    String named = configArgument(args);
    if (named == null) {
      named = env.get("OCISWRAPPER_CONFIG");
    }
    Properties props = new Properties();
    Path path = named != null ? Path.of(named) : Path.of(DEFAULT_FILE);
    if (named != null || Files.isRegularFile(path)) {
      try (Reader reader = Files.newBufferedReader(path)) {
        props.load(reader);
      } catch (IOException | IllegalArgumentException e) {
        return new Defaults(env, new Properties(), "cannot read config file " + path + ": " + e.getMessage());
      }
    }
    return new Defaults(env, props, null);
  }

  /** Set when the config file could not be read; {@code serve} reports it as a bad value. */
  String problem() {
    return problem;
  }

  Properties file() {
    return file;
  }

  private static String configArgument(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith("--config=")) {
        return args[i].substring("--config=".length());
      }
    }
    return null;
  }

  static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  static String variable(OptionSpec option) {
    return "OCISWRAPPER_" + key(option).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String fromEnv = env.get(variable(option));
    if (fromEnv != null) {
      return fromEnv;
    }
    return file.getProperty(key(option));
  }
}
