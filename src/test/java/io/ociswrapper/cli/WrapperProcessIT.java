package io.ociswrapper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ociswrapper.testing.Ports;
import io.ociswrapper.testing.Processes;
import io.ociswrapper.testing.Standin;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar as CI launchers run it: {@code java -jar ociswrapper.jar serve …} in a process of its own. */
class WrapperProcessIT {

  private static final Path JAR = Path.of(System.getProperty("ociswrapper.jar", "target/ociswrapper.jar"));

  @TempDir
  Path dir;

  private final List<Process> started = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void cleanUp() {
    started.forEach(Process::destroyForcibly);
    Processes.killAll(new Standin(dir.resolve("events.jsonl")).allPids());
  }

  private Process serve(int apiPort, int ocisPort, String... extra) throws IOException {
    List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString(), "serve",
        "--bin", Standin.BIN.toString(), "--url", "http://127.0.0.1:" + ocisPort,
        "--port", Integer.toString(apiPort), "--host", "127.0.0.1"));
    command.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("stdout.log").toFile())
        .redirectError(dir.resolve("stderr.log").toFile());
    builder.environment().put("OCIS_URL", "http://127.0.0.1:" + ocisPort);
    builder.environment().put("STANDIN_EVENTS", dir.resolve("events.jsonl").toString());
    builder.environment().put("STANDIN_GRANDCHILDREN", "2");
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private String get(int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private Standin awaitRunning(int apiPort) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> get(apiPort, "/status").contains("\"state\":\"RUNNING\""));
    Standin standin = new Standin(dir.resolve("events.jsonl"));
    assertThat(standin.grandchildren()).hasSize(2);
    return standin;
  }

  @Test
  void sigtermStopsEveryChildBeforeTheWrapperExits() throws Exception {
    int api = Ports.free();
    Process wrapper = serve(api, Ports.free());
    Standin standin = awaitRunning(api);
    HttpResponse<String> service = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + "/services/audit"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"AUDIT_DEBUG_ADDR\":\"127.0.0.1:" + Ports.free() + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(service.statusCode()).as(service.body()).isEqualTo(200);
    // oCIS, its two grandchildren, the audit service and its two.
    assertThat(Processes.living(standin.allPids())).hasSize(6);

    wrapper.destroy();

    assertThat(wrapper.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Processes.living(standin.allPids())).isEmpty();
    assertThat(standin.events("exit")).hasSize(2)
        .allSatisfy(e -> assertThat(e.getString("signal")).isEqualTo("SIGINT"));
    String stdout = Files.readString(dir.resolve("stdout.log"));
    assertThat(stdout).contains("[ociswrapper]", "\"message\":\"starting ocis (stand-in)\"",
        "[audit] {\"level\":\"info\",\"service\":\"audit\"");
  }

  @Test
  void sigintStopsEveryChildToo() throws Exception {
    int api = Ports.free();
    Process wrapper = serve(api, Ports.free());
    Standin standin = awaitRunning(api);

    assertThat(new ProcessBuilder("kill", "-INT", Long.toString(wrapper.pid())).start().waitFor()).isZero();

    assertThat(wrapper.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Processes.living(standin.allPids())).isEmpty();
  }

  @Test
  void apiPortInUseExitsNonZeroWithAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Process wrapper = serve(taken.getLocalPort(), Ports.free());

      assertThat(wrapper.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(wrapper.exitValue()).isNotZero();
      String stderr = Files.readString(dir.resolve("stderr.log")).strip();
      assertThat(stderr).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).contains("in use");
      assertThat(new Standin(dir.resolve("events.jsonl")).starts()).isEmpty();
    }
  }

  @Test
  void jarPrintsHelpAndVersion() throws Exception {
    Process help = new ProcessBuilder("java", "-jar", JAR.toString(), "serve", "--help")
        .redirectErrorStream(true).start();
    String text = new String(help.getInputStream().readAllBytes());
    assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(help.exitValue()).isZero();
    assertThat(text).contains("--bin", "--ready-timeout", "--skip-ocis-run");

    Process version = new ProcessBuilder("java", "-jar", JAR.toString(), "--version").redirectErrorStream(true).start();
    assertThat(new String(version.getInputStream().readAllBytes())).startsWith("ociswrapper ");
  }
}
