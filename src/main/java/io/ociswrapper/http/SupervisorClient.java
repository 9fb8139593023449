package io.ociswrapper.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP side's only way to the supervisor: event bus requests. The default 30 s request
 * timeout is far too short for a queued stop + start + readiness, and the supervisor always
 * answers, so the bus timeout is only a last-resort guard.
 */
public final class SupervisorClient {

  private static final DeliveryOptions LONG = new DeliveryOptions().setSendTimeout(24L * 3600 * 1000);

  private final Vertx vertx;

  public SupervisorClient(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, LONG).map(message -> message.body());
  }

  /**
   * Sends a lifecycle request and answers the HTTP request from the supervisor's facts:
   * 200 with {@code success}, 409 with {@code conflict} when the supervisor says so, else 500
   * with {@code failure}; timings and reasons travel along as extra fields.
   */
  public void forward(RoutingContext ctx, String address, JsonObject body, String success, String failure,
      String conflict) {
    request(address, body).onComplete(result -> {
      if (result.failed()) {
        Envelope.send(ctx, 500, failure, new JsonObject().put("reason", result.cause().getMessage()));
        return;
      }
      JsonObject extra = result.result().copy();
      boolean ok = Boolean.TRUE.equals(extra.remove("ok"));
      boolean conflicted = Boolean.TRUE.equals(extra.remove("conflict"));
      if (ok) {
        Envelope.send(ctx, 200, success, extra);
      } else if (conflicted && conflict != null) {
        Envelope.send(ctx, 409, conflict, extra);
      } else {
        Envelope.send(ctx, 500, failure, extra);
      }
    });
  }
}
