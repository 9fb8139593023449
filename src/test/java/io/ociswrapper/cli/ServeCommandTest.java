package io.ociswrapper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.testing.Standin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** SPEC A1: options, their sources and precedence, and one clear line for every bad value. */
class ServeCommandTest {

  @TempDir
  Path dir;

  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  /** Parses like {@code serve} would, without starting anything. */
  private ServeCommand parse(Map<String, String> env, String... args) {
    CommandLine cli = Main.commandLine(env, args);
    CommandLine.ParseResult result = cli.parseArgs(args);
    return result.subcommand().commandSpec().commandLine().getCommand();
  }

  private int run(Map<String, String> env, String... args) {
    CommandLine cli = Main.commandLine(env, args);
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));
    return cli.execute(args);
  }

  @Test
  void helpListsEveryOption() {
    assertThat(run(Map.of(), "serve", "--help")).isZero();

    assertThat(out.toString()).contains("--bin", "--url", "--retry", "-p, --port", "--admin-username",
        "--admin-password", "--skip-ocis-run", "--host", "--ready-timeout", "--ready-interval", "--ready-url",
        "--stop-timeout", "--command-timeout", "--idle-timeout", "--log-buffer", "--token", "-n, --namespace",
        "--kubeconfig", "--config", "--help", "--version");
  }

  @Test
  void defaultsAreThoseOfTheSpec() {
    ServeCommand serve = parse(Map.of(), "serve");

    assertThat(serve.bin).isEqualTo(Path.of("/usr/bin/ocis"));
    assertThat(serve.url).isEqualTo("https://localhost:9200");
    assertThat(serve.retry).isEqualTo(5);
    assertThat(serve.port).isEqualTo(5200);
    assertThat(serve.host).isEqualTo("0.0.0.0");
    assertThat(serve.adminUsername).isEmpty();
    assertThat(serve.skipOcisRun).isFalse();
    assertThat(serve.readyTimeout).isEqualTo(Duration.ofSeconds(60));
    assertThat(serve.readyInterval).isEqualTo(Duration.ofMillis(100));
    assertThat(serve.stopTimeout).isEqualTo(Duration.ofSeconds(30));
    assertThat(serve.commandTimeout).isEqualTo(Duration.ofSeconds(5));
    assertThat(serve.idleTimeout).isEqualTo(Duration.ofSeconds(60));
    assertThat(serve.namespace).isEqualTo("ocis");
    assertThat(serve.kubeconfig).isNull();
  }

  @Test
  void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
    Path file = dir.resolve("wrapper.properties");
    Files.writeString(file, "port=7000\nretry=7\nurl=https://file:9200\nready-timeout=90s\nskip-ocis-run=true\n");
    Map<String, String> env = new HashMap<>();
    env.put("OCISWRAPPER_PORT", "6000");
    env.put("OCISWRAPPER_RETRY", "6");

    ServeCommand serve = parse(env, "serve", "--config", file.toString(), "-p", "5000");

    assertThat(serve.port).isEqualTo(5000);
    assertThat(serve.retry).isEqualTo(6);
    assertThat(serve.url).isEqualTo("https://file:9200");
    assertThat(serve.readyTimeout).isEqualTo(Duration.ofSeconds(90));
    assertThat(serve.skipOcisRun).isTrue();
    assertThat(serve.stopTimeout).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void configFileMayAlsoComeFromTheEnvironment() throws Exception {
    Path file = dir.resolve("w.properties");
    Files.writeString(file, "command-timeout=500ms\n");

    ServeCommand serve = parse(Map.of("OCISWRAPPER_CONFIG", file.toString()), "serve");

    assertThat(serve.commandTimeout).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void durationsAcceptUnitsAndBareSeconds() {
    ServeCommand serve = parse(Map.of("OCISWRAPPER_STOP_TIMEOUT", "2"), "serve", "--ready-interval", "250ms",
        "--ready-timeout=1m");

    assertThat(serve.stopTimeout).isEqualTo(Duration.ofSeconds(2));
    assertThat(serve.readyInterval).isEqualTo(Duration.ofMillis(250));
    assertThat(serve.readyTimeout).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void portOutOfRangeExitsNonZeroWithOneLine() {
    assertBad(Map.of(), "--port must be between 0 and 65535", "serve", "--skip-ocis-run", "--port", "70000");
  }

  @Test
  void badValuesFromAnySourceExitNonZeroWithOneLine() throws Exception {
    assertBad(Map.of(), "--retry", "serve", "--skip-ocis-run", "--retry", "many");
    assertBad(Map.of("OCISWRAPPER_READY_TIMEOUT", "soon"), "--ready-timeout", "serve", "--skip-ocis-run");
    assertBad(Map.of(), "--stop-timeout", "serve", "--skip-ocis-run", "--stop-timeout", "0s");
    assertBad(Map.of(), "--url", "serve", "--skip-ocis-run", "--url", "localhost:9200");
    assertBad(Map.of(), "Unknown option", "serve", "--skip-ocis-run", "--frobnicate");
    Path file = dir.resolve("typo.properties");
    Files.writeString(file, "prot=1\n");
    assertBad(Map.of(), "unknown key 'prot'", "serve", "--skip-ocis-run", "--config", file.toString());
    assertBad(Map.of(), "cannot read config file", "serve", "--skip-ocis-run", "--config", dir.resolve("none").toString());
    assertBad(Map.of(), "not a valid Kubernetes namespace", "serve", "--skip-ocis-run", "-n", "Not_A_Namespace");
    assertBad(Map.of("OCISWRAPPER_KUBECONFIG", dir.resolve("none").toString()), "--kubeconfig", "serve", "--skip-ocis-run");
    assertBad(Map.of(), "--idle-timeout", "serve", "--skip-ocis-run", "--idle-timeout", "0");
  }

  @Test
  void missingBinaryRefusesToStartUnlessSkipOcisRun() {
    assertBad(Map.of(), "--bin /nonexistent/ocis does not exist", "serve", "--bin", "/nonexistent/ocis");
  }

  @Test
  void nonExecutableBinaryRefusesToStart() throws Exception {
    Path notExecutable = Files.writeString(dir.resolve("ocis"), "#!/bin/sh\n");

    assertBad(Map.of(), "is not executable", "serve", "--bin", notExecutable.toString());
  }

  @Test
  void theStandinIsAnAcceptableBinary() {
    ServeCommand serve = parse(Map.of(), "serve", "--bin", Standin.BIN.toString());

    assertThat(Files.isExecutable(serve.bin)).isTrue();
  }

  private void assertBad(Map<String, String> env, String expected, String... args) {
    err.getBuffer().setLength(0);
    int code = run(env, args);

    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains(expected);
    assertThat(err.toString().strip().lines()).hasSize(1);
  }
}
