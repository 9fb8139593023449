package io.ociswrapper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ociswrapper.testing.Ports;
import io.ociswrapper.testing.Processes;
import io.ociswrapper.testing.Standin;
import io.ociswrapper.testing.WrapperProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar as CI launchers run it: {@code java -jar ociswrapper.jar serve …} in a process of its own. */
class WrapperProcessIT {

  @TempDir
  Path dir;

  private final List<WrapperProcess> started = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    started.forEach(WrapperProcess::close);
  }

  private WrapperProcess serve(String... extra) throws IOException {
    WrapperProcess wrapper = WrapperProcess.start(dir, Map.of("STANDIN_GRANDCHILDREN", "2"), extra);
    started.add(wrapper);
    return wrapper;
  }

  private Standin awaitRunning(WrapperProcess wrapper) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> wrapper.get("/status").contains("\"state\":\"RUNNING\""));
    assertThat(wrapper.standin.grandchildren()).hasSize(2);
    return wrapper.standin;
  }

  @Test
  void sigtermStopsEveryChildBeforeTheWrapperExits() throws Exception {
    WrapperProcess wrapper = serve();
    Standin standin = awaitRunning(wrapper);
    HttpResponse<String> service = wrapper.send("POST", "/services/audit",
        "{\"AUDIT_DEBUG_ADDR\":\"127.0.0.1:" + Ports.free() + "\"}", Duration.ofSeconds(30));
    assertThat(service.statusCode()).as(service.body()).isEqualTo(200);
    // oCIS, its two grandchildren, the audit service and its two.
    assertThat(Processes.living(standin.allPids())).hasSize(6);

    assertThat(wrapper.terminate(30)).isTrue();
    assertThat(Processes.living(standin.allPids())).isEmpty();
    assertThat(standin.events("exit")).hasSize(2)
        .allSatisfy(e -> assertThat(e.getString("signal")).isEqualTo("SIGINT"));
    assertThat(wrapper.stdout()).contains("[ociswrapper]", "\"message\":\"starting ocis (stand-in)\"",
        "[audit] {\"level\":\"info\",\"service\":\"audit\"");
  }

  @Test
  void sigintStopsEveryChildToo() throws Exception {
    WrapperProcess wrapper = serve();
    Standin standin = awaitRunning(wrapper);

    assertThat(new ProcessBuilder("kill", "-INT", Long.toString(wrapper.process.pid())).start().waitFor()).isZero();

    assertThat(wrapper.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Processes.living(standin.allPids())).isEmpty();
  }

  @Test
  void apiPortInUseExitsNonZeroWithAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      WrapperProcess wrapper = serve("--port", Integer.toString(taken.getLocalPort()));

      assertThat(wrapper.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(wrapper.process.exitValue()).isNotZero();
      assertThat(wrapper.stderr().strip()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).contains("in use");
      assertThat(wrapper.standin.starts()).isEmpty();
    }
  }

  @Test
  void jarPrintsHelpAndVersion() throws Exception {
    Process help = new ProcessBuilder("java", "-jar", WrapperProcess.JAR.toString(), "serve", "--help")
        .redirectErrorStream(true).start();
    String text = new String(help.getInputStream().readAllBytes());
    assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(help.exitValue()).isZero();
    assertThat(text).contains("--bin", "--ready-timeout", "--skip-ocis-run");

    Process version = new ProcessBuilder("java", "-jar", WrapperProcess.JAR.toString(), "--version").redirectErrorStream(true).start();
    assertThat(new String(version.getInputStream().readAllBytes())).startsWith("ociswrapper ");
  }
}
