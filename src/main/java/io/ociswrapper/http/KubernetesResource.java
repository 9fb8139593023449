package io.ociswrapper.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ociswrapper.Addresses;
import io.ociswrapper.http.SupervisorClient.Messages;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Kubernetes mode (issue 7): {@code PUT /k8s/config}, {@code DELETE /k8s/rollback} on oCIS Deployments. */
public final class KubernetesResource {

  private static final Messages CONFIG =
      Messages.of("oCIS configured successfully", "Failed to restart oCIS with new configuration");
  private static final Messages ROLLBACK =
      Messages.of("oCIS configured successfully", "Failed to restart oCIS with initial configuration");
  /** A Deployment name is a DNS-1123 subdomain. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  private final SupervisorClient supervisor;

  public KubernetesResource(SupervisorClient supervisor) {
    this.supervisor = supervisor;
  }

  public void mount(RouteTable routes) {
    routes.add(HttpMethod.PUT, "/k8s/config", this::config)
        .add(HttpMethod.DELETE, "/k8s/rollback",
            ctx -> supervisor.forward(ctx, Addresses.K8S_ROLLBACK, new JsonObject(), ROLLBACK));
  }

  private void config(RoutingContext ctx) {
    JsonObject deployments;
    try {
      deployments = deployments(Bodies.object(ctx.body().buffer(), false));
    } catch (BadRequest e) {
      Envelope.send(ctx, 400, e.getMessage(), new JsonObject().put("reason", e.reason()));
      return;
    }
    supervisor.forward(ctx, Addresses.K8S_CONFIGURE, new JsonObject().put("deployments", deployments), CONFIG);
  }

  /** {@code {"<deployment>":{"KEY":value,…},…}}: each value an object with /config's rules. */
  static JsonObject deployments(ObjectNode body) {
    if (body.isEmpty()) {
      throw new BadRequest(Bodies.INVALID_JSON, "no Deployment given; expected {\"<deployment>\":{\"KEY\":\"value\"}}");
    }
    JsonObject deployments = new JsonObject();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      if (name.length() > 253 || !NAME.matcher(name).matches()) {
        throw new BadRequest(Bodies.INVALID_JSON + ": '" + name + "' is not a Deployment name",
            "'" + name + "' is not a valid Deployment name (lower case letters, digits, '-' and '.')");
      }
      if (!(field.getValue() instanceof ObjectNode env)) {
        throw new BadRequest(Bodies.INVALID_JSON + ": the value of '" + name + "' must be an object",
            "the value of '" + name + "' is " + Bodies.describe(field.getValue()) + "; expected {\"KEY\":\"value\"}");
      }
      deployments.put(name, new JsonObject(new LinkedHashMap<>(Bodies.environment(env))));
    }
    return deployments;
  }
}
