package io.ociswrapper.http;

import io.ociswrapper.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SockJS event bus bridge at {@code /eventbus/*}: out only {@value Addresses#LOG},
 * {@value Addresses#LOG_BATCH} and {@value Addresses#STATUS}, in only the request address
 * {@value Addresses#LOG_TAIL}; everything else is denied.
 *
 * <p>A subscriber that does not read never slows anyone: while its socket's write queue is full,
 * messages for it are not queued. The newest one is held back, the others are dropped and
 * counted; when the socket drains (or the next message fits) the held one is sent first, with
 * {@code dropped} = the number it stands in for. So a gap in {@code seq} is always reported, the
 * last line of a burst always arrives, and at most one message per socket waits in memory.
 */
public final class EventBusBridge {

  /** What one socket missed while it was full. Touched only on that socket's event loop. */
  private static final class Backlog {
    long lost;
    JsonObject held;
    boolean retrying;
  }

  /** How often a held-back message is offered again: a SockJS socket may never report a drain. */
  private static final long RETRY_MS = 20;
  /** What may wait for one slow subscriber before lines are dropped for it. */
  private static final int WRITE_QUEUE_BYTES = 1024 * 1024;

  private final Map<SockJSSocket, Backlog> backlogs = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private Vertx vertx;

  public void mount(Vertx vertx, Router router) {
    this.vertx = vertx;
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.LOG))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.LOG_BATCH))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.STATUS))
        .addInboundPermitted(new PermittedOptions().setAddress(Addresses.LOG_TAIL));
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).bridge(options, this::event));
  }

  /** Lines dropped for slow subscribers since the wrapper started, all connections together. */
  public long dropped() {
    return dropped.get();
  }

  private void event(BridgeEvent event) {
    if (event.type() == BridgeEventType.SOCKET_CREATED) {
      // SockJS sessions batch pending messages into one frame; 64 KiB (the default) is only
      // ~600 lines, too few to ride out a burst. Still a bound per connection.
      event.socket().setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
    } else if (event.type() == BridgeEventType.SOCKET_CLOSED) {
      backlogs.remove(event.socket());
    } else if (event.type() == BridgeEventType.RECEIVE) {
      SockJSSocket socket = event.socket();
      Backlog backlog = backlogs.computeIfAbsent(socket, s -> {
        Backlog created = new Backlog();
        s.drainHandler(v -> sendHeld(s, created));
        return created;
      });
      if (socket.writeQueueFull()) {
        if (backlog.held != null) {
          backlog.lost += lines(backlog.held) + carried(backlog.held);
          dropped.addAndGet(lines(backlog.held));
        }
        backlog.held = event.getRawMessage();
        retryLater(socket, backlog);
        event.complete(false);
        return;
      }
      sendHeld(socket, backlog);
    }
    event.complete(true);
  }

  private void retryLater(SockJSSocket socket, Backlog backlog) {
    if (backlog.retrying) {
      return;
    }
    backlog.retrying = true;
    vertx.setTimer(RETRY_MS, id -> {
      backlog.retrying = false;
      if (backlogs.get(socket) != backlog) {
        return;
      }
      sendHeld(socket, backlog);
      if (backlog.held != null) {
        retryLater(socket, backlog);
      }
    });
  }

  /** Sends the held-back message, ahead of anything newer, with the count of those it replaced. */
  private static void sendHeld(SockJSSocket socket, Backlog backlog) {
    JsonObject raw = backlog.held;
    if (raw == null || socket.writeQueueFull()) {
      return;
    }
    backlog.held = null;
    if (backlog.lost > 0 && raw.getValue("body") instanceof JsonObject body) {
      raw = raw.copy().put("body", body.copy().put("dropped", carried(raw) + backlog.lost));
    }
    backlog.lost = 0;
    socket.write(raw.encode());
  }

  /** Lines a message stands for: a batch's count, else one. */
  private static long lines(JsonObject raw) {
    return raw.getValue("body") instanceof JsonObject body && body.getValue("lines") instanceof JsonArray batch
        ? batch.size() : 1;
  }

  /** Lines the log hub already had to skip before this message (its own {@code dropped}). */
  private static long carried(JsonObject raw) {
    return raw.getValue("body") instanceof JsonObject body ? body.getLong("dropped", 0L) : 0L;
  }
}
