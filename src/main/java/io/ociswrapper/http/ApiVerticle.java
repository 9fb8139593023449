package io.ociswrapper.http;

import io.ociswrapper.logs.LogHub;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API on the event loop: the router, one resource class per group, JSON envelopes
 * for every reply including 404, 405, 413 and 500. It holds no process state; everything it
 * knows about children comes from the supervisor over the event bus.
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  public static final long BODY_LIMIT = 1024 * 1024;

  private final String host;
  private final int port;
  private final LogHub logs;
  private final Optional<String> token;
  private final ConnectionGuard guard;
  private final EventBusBridge bridge = new EventBusBridge();
  private HttpServer server;

  public ApiVerticle(String host, int port, Duration idleTimeout, Optional<String> token, LogHub logs) {
    this.host = host;
    this.port = port;
    this.guard = new ConnectionGuard(idleTimeout);
    this.token = token;
    this.logs = logs;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    token.ifPresent(t -> router.route().handler(new TokenCheck(t)));
    router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    RouteTable routes = new RouteTable(router);
    SupervisorClient supervisor = new SupervisorClient(vertx);
    new StatusResource(supervisor, () -> bridge.dropped() + logs.dropped()).mount(routes);
    new LifecycleResource(supervisor).mount(routes);
    new CommandResource(supervisor).mount(routes);
    new ServicesResource(supervisor).mount(routes);
    new KubernetesResource(supervisor).mount(routes);
    new LogsResource(supervisor).mount(routes);
    bridge.mount(vertx, router);
    // The live log page and its bundled scripts, from the jar's webroot/ui.
    router.route(HttpMethod.GET, "/ui/*").handler(StaticHandler.create("webroot/ui").setCachingEnabled(false));
    routes.add(HttpMethod.GET, "/", ctx -> ctx.reroute("/ui/index.html"));

    router.errorHandler(404, ctx -> Envelope.send(ctx, 404, "Not found: " + ctx.request().path()));
    router.errorHandler(405, ctx -> methodNotAllowed(ctx, routes));
    router.errorHandler(413, ctx -> Envelope.send(ctx, 413, "Request body too large (limit 1 MiB)"));
    router.errorHandler(500, ctx -> {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      Envelope.send(ctx, 500, "Internal error", new JsonObject()
          .put("reason", ctx.failure() == null ? "unknown" : ctx.failure().toString()));
    });

    guard.start(vertx);
    // TCP keep-alive lets the kernel find peers that vanished while they wait for a long restart.
    // No h2c: its upgrade detection calls the connection handler only once a first request is
    // decoded, so the guard would never see a client that stalls inside its headers.
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setTcpKeepAlive(true).setHttp2ClearTextEnabled(false))
        .connectionHandler(guard::connected)
        .requestHandler(request -> {
          guard.request(request);
          router.handle(request);
        })
        .listen()
        .onSuccess(s -> {
          server = s;
          // Published from this loop, where the bridge's subscribers live: they pace the publisher.
          logs.publishFrom(context);
        });
  }

  private static void methodNotAllowed(RoutingContext ctx, RouteTable routes) {
    if (!ctx.normalizedPath().equals(ctx.request().path())) {
      // "/services/.." is normalized to "/" by the router: a bad path, not a wrong method.
      Envelope.send(ctx, 400, "Invalid path '" + ctx.request().path() + "'",
          new JsonObject().put("reason", "dot segments and empty segments are not allowed"));
      return;
    }
    String allowed = routes.allowed(ctx.request().path());
    ctx.response().putHeader("Allow", allowed);
    Envelope.send(ctx, 405, "Method " + ctx.request().method() + " not allowed on " + ctx.request().path(),
        new JsonObject().put("allow", allowed));
  }

  /** The port actually bound (differs from the configured one when that is 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
