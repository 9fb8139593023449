package io.ociswrapper.bench;

import io.vertx.core.json.JsonObject;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fat jar in a process of its own, as CI runs it (with {@code config/jvm.options}), with the
 * stand-in as oCIS on loopback. Replies are timed on the benchmark's side.
 */
final class WrapperUnderTest implements AutoCloseable {

  /** A reply and when it was asked and answered (epoch µs, the stand-in's clock too). */
  record Timed(int code, JsonObject body, long sentUs, long repliedUs) {

    double ms() {
      return (repliedUs - sentUs) / 1000.0;
    }
  }

  final int apiPort = freePort();
  final int ocisPort = freePort();
  final ChildClock clock;
  final Process process;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  WrapperUnderTest(Settings settings, Path dir, Map<String, String> env, List<String> extra) throws IOException {
    Files.createDirectories(dir);
    Path events = dir.resolve("events.jsonl");
    Files.deleteIfExists(events);
    clock = new ChildClock(events);
    List<String> command = settings.java();
    command.addAll(List.of("-jar", settings.jar.toString(), "serve", "--bin", settings.standin.toString(),
        "--url", "http://127.0.0.1:" + ocisPort, "--port", Integer.toString(apiPort), "--host", "127.0.0.1"));
    command.addAll(extra);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("stdout.log").toFile())
        .redirectError(dir.resolve("stderr.log").toFile());
    builder.environment().put("OCIS_URL", "http://127.0.0.1:" + ocisPort);
    builder.environment().put("STANDIN_EVENTS", events.toString());
    builder.environment().putAll(env);
    process = builder.start();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static long nowUs() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  Timed call(String method, String path, JsonObject body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .timeout(Duration.ofSeconds(120)).build();
    long sent = nowUs();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    long replied = nowUs();
    return new Timed(response.statusCode(), new JsonObject(response.body()), sent, replied);
  }

  /** A request that must answer {@code code}; anything else is an error of the run. */
  Timed expect(int code, String method, String path, JsonObject body) throws IOException, InterruptedException {
    Timed reply = call(method, path, body);
    if (reply.code() != code) {
      throw new IllegalStateException(method + " " + path + " answered " + reply.code() + " " + reply.body().encode());
    }
    return reply;
  }

  void awaitRunning(Duration within) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Timed status = call("GET", "/status", null);
        if ("RUNNING".equals(status.body().getJsonObject("ocis").getString("state"))) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("oCIS not running after " + within.toSeconds() + " s");
  }

  long ocisPid() throws IOException, InterruptedException {
    return call("GET", "/status", null).body().getJsonObject("ocis").getLong("pid");
  }

  long rssKib() throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
        .filter(l -> l.startsWith("VmRSS")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** Where the jar, the stand-in and the JVM options are, and how many repetitions. */
  static final class Settings {
    final Path jar;
    final Path standin;
    final List<String> jvmOptions;

    Settings(Path jar, Path standin, List<String> jvmOptions) {
      this.jar = jar;
      this.standin = standin;
      this.jvmOptions = jvmOptions;
    }

    List<String> java() {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      return command;
    }
  }
}
