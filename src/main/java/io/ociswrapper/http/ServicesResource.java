package io.ociswrapper.http;

import io.ociswrapper.Addresses;
import io.ociswrapper.http.SupervisorClient.Messages;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code POST/PATCH/DELETE /services/{name}} and {@code DELETE /services/rollback} (SPEC A3):
 * single oCIS services started as processes of their own.
 */
public final class ServicesResource {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
  private static final String ROLLBACK = "rollback";

  private final SupervisorClient supervisor;

  public ServicesResource(SupervisorClient supervisor) {
    this.supervisor = supervisor;
  }

  public void mount(RouteTable routes) {
    // The rollback route first: "rollback" is the endpoint, never a service name.
    routes.add(HttpMethod.DELETE, "/services/rollback", ctx -> supervisor.forward(ctx, Addresses.SERVICES_ROLLBACK,
            new JsonObject(), Messages.of("All services have been rolled back successfully",
                "Failed to roll back the services")))
        .add(HttpMethod.POST, "/services/:name", this::start)
        .add(HttpMethod.PATCH, "/services/:name", this::update)
        .add(HttpMethod.DELETE, "/services/:name", this::stop);
  }

  private void start(RoutingContext ctx) {
    withNameAndBody(ctx, (name, env) -> supervisor.forward(ctx, Addresses.SERVICE_START, request(name, env),
        new Messages("'" + name + "' service started successfully", "Failed to start '" + name + "' service.",
            "'" + name + "' service is already running", null)));
  }

  private void update(RoutingContext ctx) {
    withNameAndBody(ctx, (name, env) -> supervisor.forward(ctx, Addresses.SERVICE_RESTART, request(name, env),
        new Messages("'" + name + "' service updated successfully", "Failed to restart '" + name + "' service.",
            null, "Service " + name + " is not running")));
  }

  private void stop(RoutingContext ctx) {
    String name = validName(ctx);
    if (name != null) {
      supervisor.forward(ctx, Addresses.SERVICE_STOP, request(name, Map.of()),
          new Messages(name + " service stopped successfully", "Failed to stop '" + name + "' service.",
              null, "Service " + name + " is not running"));
    }
  }

  private interface NameAndBody {
    void accept(String name, Map<String, String> env);
  }

  private void withNameAndBody(RoutingContext ctx, NameAndBody then) {
    String name = validName(ctx);
    if (name == null) {
      return;
    }
    Map<String, String> env;
    try {
      env = Bodies.environment(Bodies.object(ctx.body().buffer(), true));
    } catch (BadRequest e) {
      Envelope.send(ctx, 400, e.getMessage(), new JsonObject().put("reason", e.reason()));
      return;
    }
    then.accept(name, env);
  }

  /** The name, or null after answering 400 (or 405 for the rollback endpoint with another method). */
  private static String validName(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (ROLLBACK.equals(name)) {
      ctx.response().putHeader("Allow", "DELETE");
      Envelope.send(ctx, 405, "Method " + ctx.request().method() + " not allowed on /services/rollback",
          new JsonObject().put("allow", "DELETE"));
      return null;
    }
    if (name == null || !NAME.matcher(name).matches()) {
      Envelope.send(ctx, 400, "Invalid service name '" + name + "'",
          new JsonObject().put("reason", "service names are [a-z][a-z0-9-]*"));
      return null;
    }
    return name;
  }

  private static JsonObject request(String name, Map<String, String> env) {
    return new JsonObject().put("name", name).put("env", new JsonObject(new LinkedHashMap<>(env)));
  }
}
