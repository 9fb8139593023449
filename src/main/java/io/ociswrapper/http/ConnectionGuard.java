package io.ociswrapper.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the connections of slow or vanished clients: one that has not sent a complete request
 * (headers and body) within the idle timeout, or that has sat without a request for that long.
 *
 * <p>Netty's idle timeout can't be used: a lifecycle request is silent on its connection for as
 * long as the restart takes (up to the ready timeout plus its place in the queue), and a dead
 * client looks the same. So a connection waiting for the wrapper's reply is never closed here,
 * and neither is the event bus bridge, whose SockJS sessions keep their own heartbeats.
 *
 * <p>Only touched from the API verticle's event loop, which owns all its connections.
 */
final class ConnectionGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private final long timeoutMs;
  private final Map<HttpConnection, Watch> watched = new HashMap<>();

  /** What a connection is doing and since when (monotonic ms). */
  private static final class Watch {
    HttpServerRequest current;
    long since;
    boolean replied;

    Watch(long now) {
      since = now;
    }
  }

  ConnectionGuard(Duration timeout) {
    this.timeoutMs = timeout.toMillis();
  }

  /** Sweeps at a quarter of the timeout (at most every second): closes happen within 1.25 × timeout. */
  void start(Vertx vertx) {
    long period = Math.max(50, Math.min(1000, timeoutMs / 4));
    vertx.setPeriodic(period, id -> sweep());
  }

  void connected(HttpConnection connection) {
    watched.put(connection, new Watch(now()));
    connection.closeHandler(v -> watched.remove(connection));
  }

  void request(HttpServerRequest request) {
    if (request.path().startsWith("/eventbus/")) {
      // A bridge connection (a WebSocket after the upgrade, or SockJS polling) lives as long as
      // its session, quiet or not; SockJS heartbeats and session timeouts take care of it.
      watched.remove(request.connection());
      return;
    }
    Watch watch = watched.get(request.connection());
    if (watch != null) {
      watch.current = request;
      watch.since = now();
      watch.replied = false;
    }
  }

  private void sweep() {
    long now = now();
    List<HttpConnection> expired = new ArrayList<>();
    watched.forEach((connection, watch) -> {
      if (expired(watch, now)) {
        LOG.debug("closing connection from {}: {} for {} ms", connection.remoteAddress(),
            watch.current == null || watch.replied ? "idle" : "request incomplete", now - watch.since);
        expired.add(connection);
      }
    });
    // Closed after the walk: a close handler may run at once and edit the map.
    expired.forEach(connection -> {
      watched.remove(connection);
      connection.close();
    });
  }

  private boolean expired(Watch watch, long now) {
    HttpServerRequest request = watch.current;
    if (request != null && !request.response().ended()) {
      if (request.isEnded()) {
        // Complete and in our hands: the client is waiting for the reply, however long it takes.
        return false;
      }
    } else if (request != null && !watch.replied) {
      watch.replied = true;
      watch.since = now;
    }
    return now - watch.since >= timeoutMs;
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }
}
