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

  /** The contract's texts for one endpoint; {@code conflict} and {@code notRunning} may be null. */
  public record Messages(String success, String failure, String conflict, String notRunning) {

    public static Messages of(String success, String failure) {
      return new Messages(success, failure, null, null);
    }
  }

  /**
   * Sends a lifecycle request and answers the HTTP request from the supervisor's facts:
   * 200 with the success text; 409 when the supervisor reports a conflict; 500 with the
   * not-running or failure text otherwise. Timings and reasons travel along as extra fields.
   */
  public void forward(RoutingContext ctx, String address, JsonObject body, Messages messages) {
    request(address, body).onComplete(result -> {
      if (result.failed()) {
        Envelope.send(ctx, 500, messages.failure(), new JsonObject().put("reason", result.cause().getMessage()));
        return;
      }
      JsonObject extra = result.result().copy();
      boolean ok = Boolean.TRUE.equals(extra.remove("ok"));
      boolean conflict = Boolean.TRUE.equals(extra.remove("conflict"));
      boolean notRunning = Boolean.TRUE.equals(extra.remove("notRunning"));
      if (ok) {
        Envelope.send(ctx, 200, messages.success(), extra);
      } else if (conflict && messages.conflict() != null) {
        Envelope.send(ctx, 409, messages.conflict(), extra);
      } else if (notRunning && messages.notRunning() != null) {
        Envelope.send(ctx, 500, messages.notRunning(), extra);
      } else {
        Envelope.send(ctx, 500, messages.failure(), extra);
      }
    });
  }
}
