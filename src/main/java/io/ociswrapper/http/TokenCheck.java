package io.ociswrapper.http;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code --token}: every request needs {@code Authorization: Bearer <token>}, else 401, except
 * {@code GET /healthz} and the static page ({@code /}, {@code /ui/*}: bundled files, no data).
 * Browsers cannot set headers on SockJS, so the bridge also accepts {@code ?access_token=<token>}
 * (the page passes on its own). Compared in constant time; never logged.
 */
final class TokenCheck implements Handler<RoutingContext> {

  private final byte[] expected;

  TokenCheck(String token) {
    this.expected = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (open(path) || matches(bearer(ctx))
        || (path.startsWith("/eventbus/") && matches(ctx.request().getParam("access_token")))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    Envelope.send(ctx, 401, "Unauthorized", new JsonObject()
        .put("reason", "send the wrapper's token as 'Authorization: Bearer <token>'"));
  }

  private static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
  }

  private static boolean open(String path) {
    return path.equals("/healthz") || path.equals("/") || path.startsWith("/ui/");
  }

  private boolean matches(String given) {
    return given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
  }
}
