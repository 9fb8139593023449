package io.ociswrapper.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Harness.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code --idle-timeout} (issue 5): slow and vanished clients lose their connection; a client
 * waiting for a long restart, or watching a quiet log stream, keeps it.
 */
@ExtendWith(VertxExtension.class)
class IdleTimeoutTest {

  private static final Duration IDLE = Duration.ofSeconds(1);

  private Vertx vertx;
  private Harness wrapper;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    wrapper = Harness.start(vertx, s -> {
      s.idleTimeout = IDLE;
      s.env.put("STANDIN_START_DELAY", "2500ms");
    });
  }

  @AfterEach
  void stop() {
    wrapper.close();
  }

  private Socket open() throws IOException {
    Socket socket = new Socket("127.0.0.1", wrapper.port());
    // Bounds every read below: a connection the guard forgets fails the test instead of hanging it.
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads until the server closes; returns how long that took, in ms, and what came before. */
  private static long millisUntilClosed(Socket socket, StringBuilder received) throws IOException {
    long before = System.nanoTime();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the wrapper kept the connection open for 10 s", e);
    }
    return (System.nanoTime() - before) / 1_000_000;
  }

  @Test
  void clientThatNeverFinishesItsHeadersIsClosed() throws Exception {
    try (Socket slow = open()) {
      send(slow, "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n");

      StringBuilder received = new StringBuilder();
      long ms = millisUntilClosed(slow, received);

      assertThat(ms).isGreaterThanOrEqualTo(IDLE.toMillis() - 300);
      assertThat(received).isEmpty();
    }
    assertThat(wrapper.call(HttpMethod.GET, "/healthz").code()).isEqualTo(200);
  }

  @Test
  void clientThatStopsSendingItsBodyIsClosedAndChangesNothing() throws Exception {
    try (Socket slow = open()) {
      send(slow, "PUT /config HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"OCIS_A\":");

      long ms = millisUntilClosed(slow, new StringBuilder());

      assertThat(ms).isGreaterThanOrEqualTo(IDLE.toMillis() - 300);
    }
    assertThat(wrapper.standin.starts()).isEmpty();
    assertThat(wrapper.status().getJsonObject("overrides")).isEmpty();
  }

  @Test
  void keepAliveConnectionWithoutRequestsIsClosedAfterItsReply() throws Exception {
    try (Socket idle = open()) {
      send(idle, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

      StringBuilder received = new StringBuilder();
      millisUntilClosed(idle, received);

      assertThat(received.toString()).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void slowClientsDoNotHoldOtherRequests() throws Exception {
    Socket[] slow = new Socket[20];
    try {
      for (int i = 0; i < slow.length; i++) {
        slow[i] = open();
        send(slow[i], "POST /start HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      }

      assertThat(wrapper.call(HttpMethod.GET, "/status").code()).isEqualTo(200);
    } finally {
      for (Socket s : slow) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  @Test
  void requestWaitingForASlowStartKeepsItsConnection() {
    long before = System.nanoTime();
    Reply start = wrapper.call(HttpMethod.POST, "/start");

    assertThat(start.code()).as(start.body()).isEqualTo(200);
    assertThat(start.message()).isEqualTo("oCIS server is up and running");
    // The reply came well after the idle timeout: the guard left the waiting connection alone.
    assertThat((System.nanoTime() - before) / 1_000_000).isGreaterThan(2 * IDLE.toMillis());
  }

  @Test
  void quietLogStreamStaysOpen() {
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      WebSocket ws = Harness.await(client.connect(wrapper.port(), "127.0.0.1", "/eventbus/websocket"), 10);
      AtomicBoolean closed = new AtomicBoolean();
      Queue<JsonObject> frames = new ConcurrentLinkedQueue<>();
      ws.closeHandler(v -> closed.set(true));
      ws.frameHandler(frame -> {
        if (frame.isText() || frame.isBinary()) {
          frames.add(new JsonObject(frame.binaryData()));
        }
      });
      ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "ocis.log").encode());

      // Nothing is logged: no oCIS runs. Three idle timeouts pass without traffic.
      await().pollDelay(IDLE.multipliedBy(3)).atMost(IDLE.multipliedBy(4)).until(() -> true);
      ws.writeTextMessage(new JsonObject().put("type", "send").put("address", "ocis.log.tail")
          .put("replyAddress", "tail-1").put("body", new JsonObject().put("tail", 1)).encode());

      await().atMost(Duration.ofSeconds(5)).until(() -> frames.stream().anyMatch(f -> "tail-1".equals(f.getString("address"))));
      assertThat(closed).isFalse();
    } finally {
      client.close();
    }
  }
}
