package io.ociswrapper.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ociswrapper.Addresses;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /command}: runs {@code <bin> <args>} in a pseudo-terminal. Always 200 once the
 * command ran, also when it failed; {@code status} and {@code exitCode} tell how it went.
 */
public final class CommandResource {

  /** A request may ask for more time than the default, but not for a command that never ends. */
  private static final double MAX_TIMEOUT_SECONDS = 3600;

  private final SupervisorClient supervisor;

  public CommandResource(SupervisorClient supervisor) {
    this.supervisor = supervisor;
  }

  public void mount(RouteTable routes) {
    routes.add(HttpMethod.POST, "/command", this::command);
  }

  private void command(RoutingContext ctx) {
    JsonObject request;
    try {
      request = parse(Bodies.object(ctx.body().buffer(), false));
    } catch (BadRequest e) {
      Envelope.send(ctx, 400, e.getMessage(), new JsonObject().put("reason", e.reason()));
      return;
    }
    supervisor.request(Addresses.COMMAND, request).onComplete(result -> {
      JsonObject reply = result.succeeded() ? result.result() : new JsonObject().put("reason", result.cause().getMessage());
      if (!reply.getBoolean("ok", false)) {
        String reason = reply.getString("reason");
        Envelope.send(ctx, 500, "Failed to run command: " + reason, new JsonObject().put("reason", reason));
        return;
      }
      int exitCode = reply.getInteger("exitCode");
      Envelope.send(ctx, 200, exitCode == 0 ? "OK" : "ERROR", reply.getString("output"), new JsonObject()
          .put("exitCode", exitCode)
          .put("durationMs", reply.getLong("durationMs")));
    });
  }

  private static JsonObject parse(ObjectNode body) {
    JsonNode command = body.get("command");
    if (command == null || !command.isTextual() || command.textValue().isBlank()) {
      throw new BadRequest("Command is missing",
          command == null || command.isNull() ? "the body has no \"command\""
              : "\"command\" must be a non-empty string, not " + Bodies.describe(command));
    }
    List<String> args;
    try {
      args = ShellWords.split(command.textValue());
    } catch (IllegalArgumentException e) {
      throw new BadRequest("Invalid command: " + e.getMessage(), e.getMessage() + " in \"command\"");
    }
    JsonObject request = new JsonObject().put("args", new JsonArray(args)).put("inputs", inputs(body.get("inputs")));
    JsonNode timeout = body.get("timeout");
    if (timeout != null && !timeout.isNull()) {
      if (!timeout.isNumber() || timeout.doubleValue() <= 0 || timeout.doubleValue() > MAX_TIMEOUT_SECONDS) {
        throw new BadRequest(Bodies.INVALID_JSON + ": \"timeout\" must be a number of seconds",
            "\"timeout\" must be a number of seconds between 0 and " + (int) MAX_TIMEOUT_SECONDS);
      }
      request.put("timeoutMs", Math.round(timeout.doubleValue() * 1000));
    }
    return request;
  }

  private static JsonArray inputs(JsonNode inputs) {
    JsonArray list = new JsonArray();
    if (inputs == null || inputs.isNull()) {
      return list;
    }
    if (!inputs.isArray()) {
      throw new BadRequest("Invalid input data. Expected string",
          "\"inputs\" must be an array of strings, not " + Bodies.describe(inputs));
    }
    for (JsonNode input : inputs) {
      if (!input.isTextual()) {
        throw new BadRequest("Invalid input data. Expected string",
            "every entry of \"inputs\" must be a string; found " + Bodies.describe(input));
      }
      list.add(input.textValue());
    }
    return list;
  }
}
