package io.ociswrapper.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A bridge client on the raw SockJS WebSocket ({@code /eventbus/websocket}) following
 * {@code ocis.log.batch}: counts the flood's lines, what the wrapper reported as dropped, and each
 * line's latency from the stand-in's write stamp ({@code us=}) to its arrival here.
 */
final class LogFollower implements AutoCloseable {

  private final WebSocketClient client;
  private final List<Double> latenciesMs = new ArrayList<>();
  private long received;
  private long dropped;
  private long lastSeq;
  private long silentGaps;
  private long lastArrivalUs;
  private volatile long lastFlood;

  LogFollower(Vertx vertx, int port) throws Exception {
    client = vertx.createWebSocketClient();
    WebSocket ws = client.connect(port, "127.0.0.1", "/eventbus/websocket").await(10, TimeUnit.SECONDS);
    ws.frameHandler(frame -> {
      if (frame.isText() || frame.isBinary()) {
        onFrame(new JsonObject(frame.binaryData()));
      }
    });
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "ocis.log.batch").encode());
  }

  private synchronized void onFrame(JsonObject frame) {
    if (!"ocis.log.batch".equals(frame.getString("address"))) {
      return;
    }
    long now = WrapperUnderTest.nowUs();
    JsonObject body = frame.getJsonObject("body");
    long reported = body.getLong("dropped", 0L);
    dropped += reported;
    JsonArray lines = body.getJsonArray("lines");
    for (int i = 0; i < lines.size(); i++) {
      JsonObject line = lines.getJsonObject(i);
      long seq = line.getLong("seq");
      if (lastSeq > 0 && seq != lastSeq + 1 && (i > 0 || reported == 0)) {
        silentGaps++;
      }
      lastSeq = seq;
      String text = line.getString("line");
      int stamp = text.indexOf(" us=");
      if (text.startsWith("flood ") && stamp > 0) {
        received++;
        latenciesMs.add((now - Long.parseLong(text.substring(stamp + 4))) / 1000.0);
        lastFlood = Long.parseLong(text.substring(6, stamp));
        lastArrivalUs = now;
      }
    }
  }

  /** Waits until the flood's last line arrived, or {@code seconds} passed without progress. */
  void awaitLine(long n, long seconds) throws InterruptedException {
    long last = -1;
    long stalledSince = System.nanoTime();
    while (lastFlood < n) {
      if (lastFlood != last) {
        last = lastFlood;
        stalledSince = System.nanoTime();
      } else if (System.nanoTime() - stalledSince > TimeUnit.SECONDS.toNanos(seconds)) {
        return;
      }
      Thread.sleep(10);
    }
  }

  synchronized long received() {
    return received;
  }

  synchronized long dropped() {
    return dropped;
  }

  synchronized long silentGaps() {
    return silentGaps;
  }

  synchronized long lastArrivalUs() {
    return lastArrivalUs;
  }

  synchronized List<Double> latenciesMs() {
    return new ArrayList<>(latenciesMs);
  }

  synchronized void reset() {
    latenciesMs.clear();
    received = 0;
    dropped = 0;
    silentGaps = 0;
    lastFlood = 0;
  }

  @Override
  public void close() {
    client.close();
  }
}
