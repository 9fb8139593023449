package io.ociswrapper.http;

import io.ociswrapper.Addresses;
import io.ociswrapper.http.SupervisorClient.Messages;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code PUT /config}, {@code DELETE /rollback}, {@code POST /start}, {@code POST /stop}: SPEC A3. */
public final class LifecycleResource {

  private static final Messages CONFIG =
      Messages.of("oCIS configured successfully", "Failed to restart oCIS with new configuration");
  private static final Messages ROLLBACK =
      Messages.of("oCIS configuration rolled back successfully", "Failed to restart oCIS with initial configuration");
  private static final Messages START = new Messages("oCIS server is up and running",
      "Timeout waiting for oCIS server to start", "oCIS server is already running", null);
  private static final Messages STOP =
      Messages.of("oCIS server stopped successfully", "Timeout waiting for oCIS server to stop");

  private final SupervisorClient supervisor;

  public LifecycleResource(SupervisorClient supervisor) {
    this.supervisor = supervisor;
  }

  public void mount(RouteTable routes) {
    routes.add(HttpMethod.PUT, "/config", this::config)
        .add(HttpMethod.DELETE, "/rollback", ctx -> supervisor.forward(ctx, Addresses.ROLLBACK, new JsonObject(), ROLLBACK))
        .add(HttpMethod.POST, "/start", ctx -> supervisor.forward(ctx, Addresses.START, new JsonObject(), START))
        .add(HttpMethod.POST, "/stop", ctx -> supervisor.forward(ctx, Addresses.STOP, new JsonObject(), STOP));
  }

  private void config(RoutingContext ctx) {
    Map<String, String> env;
    try {
      env = Bodies.environment(Bodies.object(ctx.body().buffer(), false));
    } catch (BadRequest e) {
      Envelope.send(ctx, 400, e.getMessage(), new JsonObject().put("reason", e.reason()));
      return;
    }
    supervisor.forward(ctx, Addresses.CONFIGURE, new JsonObject().put("env", new JsonObject(new LinkedHashMap<>(env))),
        CONFIG);
  }
}
