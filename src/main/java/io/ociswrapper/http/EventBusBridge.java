package io.ociswrapper.http;

import io.ociswrapper.Addresses;
import io.vertx.core.Vertx;
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
 * The SockJS event bus bridge at {@code /eventbus/*}: out only {@value Addresses#LOG} and
 * {@value Addresses#STATUS}, in only the request address {@value Addresses#LOG_TAIL}; everything
 * else is denied. A subscriber that does not read never slows anyone: when its socket's write
 * queue is full, its messages are dropped and counted, and the next message it does get carries
 * {@code dropped}, the number it missed, so a gap in {@code seq} is never silent.
 */
public final class EventBusBridge {

  private final Map<SockJSSocket, AtomicLong> missed = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();

  public void mount(Vertx vertx, Router router) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.LOG))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.STATUS))
        .addInboundPermitted(new PermittedOptions().setAddress(Addresses.LOG_TAIL));
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).bridge(options, this::event));
  }

  /** Lines dropped for slow subscribers since the wrapper started, all connections together. */
  public long dropped() {
    return dropped.get();
  }

  private void event(BridgeEvent event) {
    if (event.type() == BridgeEventType.SOCKET_CLOSED) {
      missed.remove(event.socket());
    } else if (event.type() == BridgeEventType.RECEIVE) {
      AtomicLong lost = missed.computeIfAbsent(event.socket(), s -> new AtomicLong());
      JsonObject raw = event.getRawMessage();
      JsonObject body = raw.getValue("body") instanceof JsonObject json ? json : null;
      // A line the log hub already had to skip lines for carries that count: keep it either way.
      long carried = body == null ? 0 : body.getLong("dropped", 0L);
      if (event.socket().writeQueueFull()) {
        lost.addAndGet(1 + carried);
        dropped.incrementAndGet();
        event.complete(false);
        return;
      }
      long gap = lost.getAndSet(0);
      if (gap > 0 && body != null) {
        raw.put("body", body.copy().put("dropped", carried + gap));
        event.setRawMessage(raw);
      }
    }
    event.complete(true);
  }
}
