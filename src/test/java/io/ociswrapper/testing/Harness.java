package io.ociswrapper.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.Wrapper;
import io.ociswrapper.logs.LineSink;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real wrapper (both verticles, real HTTP on a random port) supervising the real stand-in,
 * plus a client for its API and for the stand-in's own endpoints. {@link #close} stops the
 * wrapper and asserts that no process this test started is left.
 */
public final class Harness implements AutoCloseable {

  private static final long TIMEOUT_S = 90;

  public final Settings settings;
  public final Standin standin;
  public final Queue<String> lines = new ConcurrentLinkedQueue<>();
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Wrapper wrapper;
  private final WebClient client;
  private final Path dir;

  private Harness(Vertx vertx, boolean ownsVertx, Settings settings, Path dir) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.settings = settings;
    this.dir = dir;
    this.standin = new Standin(dir.resolve("events.jsonl"));
    LineSink sink = settings.captureLines ? (source, stream, text) -> lines.add(source + " " + stream + " " + text)
        : (source, stream, text) -> { };
    this.wrapper = await(Wrapper.start(vertx, settings.toConfig(standin.eventsFile()), sink), 30);
    this.client = WebClient.create(vertx, new WebClientOptions().setTrustAll(true).setVerifyHost(false));
  }

  public static Harness start(Vertx vertx) {
    return start(vertx, s -> { });
  }

  public static Harness start(Vertx vertx, Consumer<Settings> tweak) {
    return start(vertx, false, tweak);
  }

  /**
   * A second wrapper beside a test's main one needs a Vert.x of its own: two supervisors on one
   * event bus would share the internal addresses (one wrapper per JVM in real use).
   */
  public static Harness startSeparate(Consumer<Settings> tweak) {
    return start(Vertx.vertx(), true, tweak);
  }

  private static Harness start(Vertx vertx, boolean owns, Consumer<Settings> tweak) {
    Settings settings = new Settings();
    tweak.accept(settings);
    try {
      return new Harness(vertx, owns, settings, Files.createTempDirectory("ociswrapper-test"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path dir() {
    return dir;
  }

  public int port() {
    return wrapper.port();
  }

  public Reply call(HttpMethod method, String path) {
    return call(method, path, (String) null);
  }

  public Reply call(HttpMethod method, String path, JsonObject body) {
    return call(method, path, body.encode());
  }

  /** Like the acceptance suite: raw body, no Content-Type of its own. */
  public Reply call(HttpMethod method, String path, String body) {
    HttpRequest<Buffer> request = client.request(method, port(), "127.0.0.1", path).timeout(TIMEOUT_S * 1000);
    return reply(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  public Reply call(HttpRequest<Buffer> request, String body) {
    return reply(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  public HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, port(), "127.0.0.1", path).timeout(TIMEOUT_S * 1000);
  }

  private static Reply reply(io.vertx.core.Future<HttpResponse<Buffer>> response) {
    HttpResponse<Buffer> r = await(response, TIMEOUT_S);
    return new Reply(r.statusCode(), r.bodyAsString(), r.headers());
  }

  /** The environment the running stand-in oCIS reports it was started with. */
  public JsonObject childEnv() {
    return standinGet("/standin/env");
  }

  /** Like {@link #standinGet}, or null while nothing answers. */
  public JsonObject standinGetOrNull(String path) {
    try {
      return standinGet(path);
    } catch (Exception | AssertionError e) {
      // Future.await rethrows the connect failure itself, a checked exception among them.
      return null;
    }
  }

  /** A GET on the running stand-in oCIS itself (TLS not verified, like the wrapper's probe). */
  public JsonObject standinGet(String path) {
    return new JsonObject(await(client.getAbs(settings.ocisUrl() + path).send(), 10).bodyAsString());
  }

  public JsonObject status() {
    Reply status = call(HttpMethod.GET, "/status");
    assertThat(status.code()).isEqualTo(200);
    return status.json().getJsonObject("ocis");
  }

  @Override
  public void close() {
    try {
      await(wrapper.close(), 60);
      Processes.awaitGone(standin.allPids());
    } finally {
      Processes.killAll(standin.allPids());
      client.close();
      if (ownsVertx) {
        await(vertx.close(), 30);
      }
    }
  }

  /** Waits on the test thread, where {@code Future.await} is allowed, within a bound. */
  public static <T> T await(io.vertx.core.Future<T> future, long seconds) {
    try {
      return future.await(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result within " + seconds + " s", e);
    }
  }

  /** An HTTP reply: status code, body, headers. */
  public record Reply(int code, String body, MultiMap headers) {

    public JsonObject json() {
      return new JsonObject(body);
    }

    public String message() {
      return json().getString("message");
    }

    public String status() {
      return json().getString("status");
    }

    @Override
    public String toString() {
      return code + " " + body;
    }
  }
}
