package io.ociswrapper.http;

import io.ociswrapper.Addresses;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /healthz} (the wrapper is up) and {@code GET /status} (what it supervises). */
public final class StatusResource {

  private final SupervisorClient supervisor;

  public StatusResource(SupervisorClient supervisor) {
    this.supervisor = supervisor;
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
      JsonObject snapshot = result.result();
      String state = snapshot.getJsonObject("ocis").getString("state");
      Envelope.send(ctx, 200, "oCIS is " + state, snapshot);
    });
  }
}
