package io.ociswrapper.http;

import io.ociswrapper.Addresses;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;

/** {@code GET /healthz} (the wrapper is up) and {@code GET /status} (what it supervises). */
public final class StatusResource {

  private final SupervisorClient supervisor;
  private final LongSupplier droppedLogLines;

  public StatusResource(SupervisorClient supervisor, LongSupplier droppedLogLines) {
    this.supervisor = supervisor;
    this.droppedLogLines = droppedLogLines;
  }

  public void mount(RouteTable routes) {
    routes.add(HttpMethod.GET, "/healthz", ctx -> Envelope.send(ctx, 200, "ociswrapper is up"))
        .add(HttpMethod.GET, "/status", this::status);
  }

  private void status(RoutingContext ctx) {
    supervisor.request(Addresses.SNAPSHOT, new JsonObject()).onComplete(result -> {
      if (result.failed()) {
        Envelope.send(ctx, 500, "Status unavailable", new JsonObject().put("reason", result.cause().getMessage()));
        return;
      }
      JsonObject snapshot = result.result().put("droppedLogLines", droppedLogLines.getAsLong());
      String state = snapshot.getJsonObject("ocis").getString("state");
      Envelope.send(ctx, 200, "oCIS is " + state, snapshot);
    });
  }
}
