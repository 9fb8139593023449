package io.ociswrapper.testing;

import io.ociswrapper.bench.Bench;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The fat jar as CI launchers run it, {@code java -jar ociswrapper.jar serve …}, in a process of
 * its own, with the stand-in as oCIS (plain HTTP on a free port) and a plain JDK HTTP client.
 * {@link #close} kills whatever is left, so one failing test can't poison the next.
 */
public final class WrapperProcess implements AutoCloseable {

  public static final Path JAR = Path.of(System.getProperty("ociswrapper.jar", "target/ociswrapper.jar"));

  public final int apiPort;
  public final int ocisPort = Ports.free();
  public final Standin standin;
  public final Process process;
  private final Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private WrapperProcess(Path dir, Map<String, String> env, List<String> extra) throws IOException {
    this.dir = dir;
    this.standin = new Standin(dir.resolve("events.jsonl"));
    // A test may pick the API port itself (one that is taken, say) with "--port N" in extra.
    int portAt = extra.indexOf("--port");
    this.apiPort = portAt >= 0 ? Integer.parseInt(extra.get(portAt + 1)) : Ports.free();
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(jvmOptions());
    command.addAll(List.of("-jar", JAR.toString(), "serve",
        "--bin", Standin.BIN.toString(), "--url", "http://127.0.0.1:" + ocisPort, "--host", "127.0.0.1"));
    if (portAt < 0) {
      command.addAll(List.of("--port", Integer.toString(apiPort)));
    }
    command.addAll(extra);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("stdout.log").toFile())
        .redirectError(dir.resolve("stderr.log").toFile());
    builder.environment().put("OCIS_URL", "http://127.0.0.1:" + ocisPort);
    builder.environment().put("STANDIN_EVENTS", standin.eventsFile().toString());
    builder.environment().putAll(env);
    this.process = builder.start();
  }

  /** The JVM options {@code scripts/run} uses, from {@code config/jvm.options}. */
  static List<String> jvmOptions() throws IOException {
    List<String> options = new ArrayList<>(Bench.readOptions(Standin.BASEDIR.resolve("config/jvm.options")));
    String extra = System.getProperty("ociswrapper.jvm", "");
    if (!extra.isBlank()) {
      options.addAll(List.of(extra.strip().split("\\s+")));
    }
    return options;
  }

  public static WrapperProcess start(Path dir, Map<String, String> env, String... extra) throws IOException {
    return new WrapperProcess(dir, env, List.of(extra));
  }

  public String stdout() throws IOException {
    return Files.readString(dir.resolve("stdout.log"));
  }

  public String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr.log"));
  }

  /** A request to the wrapper's API; IO failures surface as exceptions for the caller to count. */
  public HttpResponse<String> send(String method, String path, String body, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body);
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
        .method(method, publisher).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET on the API or, with {@code ocis}, on the stand-in itself; "" while nothing answers. */
  public String get(String path, boolean ocis) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (ocis ? ocisPort : apiPort) + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  public String get(String path) {
    return get(path, false);
  }

  /** Resident memory of the wrapper's JVM, from /proc. */
  public long rssKib() {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
          .filter(l -> l.startsWith("VmRSS")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGTERM, as CI runners stop the wrapper; true when it exited in time. */
  public boolean terminate(long seconds) throws InterruptedException {
    process.destroy();
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroyForcibly();
    Processes.killAll(standin.allPids());
  }
}
