package io.ociswrapper.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The reply shape of SPEC A2: {@code {"status":"OK"|"ERROR","message":"…"}} plus extra fields,
 * always JSON; {@code status} is {@code OK} exactly when the HTTP status is 200 (except for
 * {@code /command}, whose status reflects the command's exit code).
 */
public final class Envelope {

  private Envelope() {
  }

  public static void send(RoutingContext ctx, int code, String message) {
    send(ctx, code, message, new JsonObject());
  }

  public static void send(RoutingContext ctx, int code, String message, JsonObject extra) {
    send(ctx, code, code == 200 ? "OK" : "ERROR", message, extra);
  }

  public static void send(RoutingContext ctx, int code, String status, String message, JsonObject extra) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    JsonObject body = new JsonObject().put("status", status).put("message", message);
    extra.forEach(e -> body.put(e.getKey(), e.getValue()));
    ctx.response()
        .setStatusCode(code)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }
}
