package io.ociswrapper.http;

import io.ociswrapper.Addresses;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /logs?tail=N&since=SEQ&source=…&stream=…}: buffered child lines as JSON, or as
 * plain text with {@code Accept: text/plain}. Answered from the log buffer, never behind a restart.
 */
public final class LogsResource {

  private static final Set<String> PARAMS = Set.of("tail", "since", "source", "stream");

  private final SupervisorClient bus;

  public LogsResource(SupervisorClient bus) {
    this.bus = bus;
  }

  public void mount(RouteTable routes) {
    routes.add(HttpMethod.GET, "/logs", this::logs);
  }

  private void logs(RoutingContext ctx) {
    JsonObject query;
    try {
      query = query(ctx);
    } catch (BadRequest e) {
      Envelope.send(ctx, 400, e.getMessage(), new JsonObject().put("reason", e.reason()));
      return;
    }
    bus.request(Addresses.LOG_TAIL, query).onComplete(result -> {
      if (result.failed()) {
        Envelope.send(ctx, 500, "Logs unavailable", new JsonObject().put("reason", result.cause().getMessage()));
        return;
      }
      JsonObject slice = result.result();
      String accept = ctx.request().getHeader("Accept");
      if (accept != null && accept.contains("text/plain") && !accept.contains("application/json")) {
        StringBuilder text = new StringBuilder();
        slice.getJsonArray("lines").forEach(l -> text.append(((JsonObject) l).getString("line")).append('\n'));
        ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8")
            .putHeader("X-Next-Seq", String.valueOf(slice.getLong("nextSeq")))
            .putHeader("X-Dropped", String.valueOf(slice.getLong("dropped")))
            .end(text.toString());
        return;
      }
      JsonArray lines = slice.getJsonArray("lines");
      Envelope.send(ctx, 200, lines.size() + " lines", slice);
    });
  }

  private static JsonObject query(RoutingContext ctx) {
    for (String name : ctx.queryParams().names()) {
      if (!PARAMS.contains(name)) {
        throw new BadRequest("Invalid query parameter '" + name + "'", "known parameters: tail, since, source, stream");
      }
    }
    JsonObject query = new JsonObject();
    number(ctx, "tail", 0, Integer.MAX_VALUE).ifPresent(n -> query.put("tail", n));
    number(ctx, "since", 0, Long.MAX_VALUE).ifPresent(n -> query.put("since", n));
    String source = single(ctx, "source");
    if (source != null) {
      if (!source.matches("[a-z][a-z0-9-]*")) {
        throw new BadRequest("Invalid source '" + source + "'", "source is 'ocis' or a service name");
      }
      query.put("source", source);
    }
    String stream = single(ctx, "stream");
    if (stream != null) {
      if (!List.of("stdout", "stderr").contains(stream)) {
        throw new BadRequest("Invalid stream '" + stream + "'", "stream is stdout or stderr");
      }
      query.put("stream", stream);
    }
    return query;
  }

  private static Optional<Long> number(RoutingContext ctx, String name, long min, long max) {
    String value = single(ctx, name);
    if (value == null) {
      return Optional.empty();
    }
    try {
      long n = Long.parseLong(value);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return Optional.of(n);
    } catch (NumberFormatException e) {
      throw new BadRequest("Invalid " + name + " '" + value + "'", name + " must be a whole number >= " + min);
    }
  }

  private static String single(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    if (values.size() > 1) {
      throw new BadRequest("Invalid query: '" + name + "' given twice", "give each parameter once");
    }
    return values.isEmpty() ? null : values.get(0);
  }
}
