package io.ociswrapper.process;

import io.ociswrapper.process.ReadinessProbe.ProbeTarget;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Single oCIS services run as processes of their own ({@code <bin> <name> server}), each with
 * its stored overrides and its debug address. Confined to the supervisor's context; the
 * process-changing methods are called from its operation queue only.
 */
final class Services {

  /** One separately started service. */
  private static final class Service {
    final String name;
    final ManagedProcess process;
    final Overrides overrides = new Overrides();
    String debugAddress;

    Service(String name, ManagedProcess process) {
      this.name = name;
      this.process = process;
    }
  }

  private final Map<String, Service> services = new TreeMap<>();
  private final Function<String, ManagedProcess> processes;
  private final String bin;
  private final Map<String, String> baseEnv;
  private final int retry;
  private final Duration readyTimeout;

  Services(Function<String, ManagedProcess> processes, String bin, Map<String, String> baseEnv, int retry,
      Duration readyTimeout) {
    this.processes = processes;
    this.bin = bin;
    this.baseEnv = baseEnv;
    this.retry = retry;
    this.readyTimeout = readyTimeout;
  }

  /** POST: stores {@code body} (accumulating) and starts the service, unless it already runs. */
  Future<JsonObject> start(String name, Map<String, String> body) {
    Service service = services.computeIfAbsent(name, n -> new Service(n, processes.apply(n)));
    if (service.process.isAlive()) {
      return Future.succeededFuture(Replies.conflict(service.process.snapshot()));
    }
    service.overrides.putAll(body);
    return launch(service, service.overrides.applyTo(baseEnv));
  }

  /** PATCH: restarts a running service with its stored overrides plus {@code body}, which is not stored. */
  Future<JsonObject> restart(String name, Map<String, String> body) {
    Service service = services.get(name);
    if (service == null || !service.process.isAlive()) {
      return Future.succeededFuture(notRunning(name));
    }
    Map<String, String> env = service.overrides.applyTo(baseEnv);
    env.putAll(body);
    return service.process.stop().compose(stopped -> launch(service, env)
        .map(reply -> reply.put("stopMs", stopped.stopMs())));
  }

  /** DELETE: stops a running service; a crashed one is reported as not running (and its leftovers killed). */
  Future<JsonObject> stop(String name) {
    Service service = services.get(name);
    if (service == null) {
      return Future.succeededFuture(notRunning(name));
    }
    boolean alive = service.process.isAlive();
    return service.process.stop()
        .map(report -> alive ? Replies.stopped(report) : notRunning(name))
        .otherwise(e -> Replies.failure(e.getMessage()));
  }

  /** Stops every service (at once: their groups are independent); stored overrides stay. */
  Future<List<StopReport>> stopAll() {
    List<Future<StopReport>> stops = new ArrayList<>();
    services.values().forEach(s -> stops.add(s.process.stop()));
    return Future.join(stops).transform(done -> {
      List<StopReport> reports = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      for (Future<StopReport> stop : stops) {
        if (stop.succeeded()) {
          reports.add(stop.result());
        } else {
          failures.add(stop.cause().getMessage());
        }
      }
      return failures.isEmpty() ? Future.succeededFuture(reports) : Future.failedFuture(String.join("; ", failures));
    });
  }

  /** DELETE /services/rollback: stop them all and forget them with their overrides. */
  Future<JsonObject> rollback() {
    long started = System.nanoTime();
    return stopAll().transform(done -> {
      if (done.failed()) {
        return Future.succeededFuture(Replies.failure(done.cause().getMessage()));
      }
      services.clear();
      return Future.succeededFuture(new JsonObject().put("ok", true)
          .put("stopMs", (System.nanoTime() - started) / 1_000_000)
          .put("stopped", done.result().size()));
    });
  }

  private Future<JsonObject> launch(Service service, Map<String, String> env) {
    String address = debugAddress(service.name, env);
    if (address == null) {
      return Future.succeededFuture(Replies.failure("no debug address known for service '" + service.name
          + "': send " + DebugPorts.variable(service.name)));
    }
    service.debugAddress = address;
    ProbeTarget probe = ProbeTarget.healthThenReady("http://" + probeHost(address));
    return service.process.start(List.of(bin, service.name, "server"), env, probe, retry, readyTimeout)
        .map(report -> Replies.started(report, 0).put("debugAddress", address))
        .otherwise(e -> (e instanceof StartFailure f ? Replies.startFailed(f, 0) : Replies.failure(e.getMessage()))
            .put("debugAddress", address));
  }

  /** The service's override, else the wrapper's environment (both in {@code env}), else the oCIS default. */
  static String debugAddress(String name, Map<String, String> env) {
    String address = env.get(DebugPorts.variable(name));
    if (address != null && !address.isBlank()) {
      return address.trim();
    }
    OptionalInt port = DebugPorts.of(name);
    return port.isPresent() ? "127.0.0.1:" + port.getAsInt() : null;
  }

  /** A service bound to all interfaces is probed on loopback. */
  private static String probeHost(String address) {
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? address : address.substring(0, colon);
    String port = colon < 0 ? "" : address.substring(colon);
    return (host.isEmpty() || host.equals("0.0.0.0") || host.equals("[::]") ? "127.0.0.1" : host) + port;
  }

  private static JsonObject notRunning(String name) {
    return Replies.failure("Service " + name + " is not running").put("notRunning", true);
  }

  JsonArray snapshot() {
    JsonArray list = new JsonArray();
    services.values().forEach(s -> list.add(s.process.snapshot()
        .put("name", s.name)
        .put("debugAddress", s.debugAddress)
        .put("overrides", s.overrides.masked())));
    return list;
  }
}
