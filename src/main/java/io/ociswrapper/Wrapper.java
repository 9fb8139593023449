package io.ociswrapper;

import io.ociswrapper.config.WrapperConfig;
import io.ociswrapper.http.ApiVerticle;
import io.ociswrapper.http.SupervisorClient;
import io.ociswrapper.logs.LineSink;
import io.ociswrapper.logs.LogHub;
import io.ociswrapper.process.SupervisorVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running wrapper: the supervisor (worker) deployed first, so that the API never sends to
 * an address nobody listens on yet, then the API. Used by {@code serve} and by the tests.
 */
public final class Wrapper {

  private static final Logger LOG = LoggerFactory.getLogger(Wrapper.class);

  /**
   * Netty 4.2 lets an event loop run queued tasks for up to 1 s before it looks at I/O again.
   * A flooding child keeps the log publisher's tasks coming, so the API would stall for that
   * second; 20 ms keeps it answering. Must be set before Netty loads (done in {@code Main}).
   */
  public static final String TASK_QUANTUM_PROPERTY = "io.netty.eventLoop.maxTaskProcessingQuantumMs";

  private final Vertx vertx;
  private final ApiVerticle api;
  private final String supervisorId;
  private final String apiId;

  private Wrapper(Vertx vertx, ApiVerticle api, String supervisorId, String apiId) {
    this.vertx = vertx;
    this.api = api;
    this.supervisorId = supervisorId;
    this.apiId = apiId;
  }

  /** {@code sink} gets every child line besides the log hub (the console, in {@code serve}). */
  public static Future<Wrapper> start(Vertx vertx, WrapperConfig config, LineSink sink) {
    LogHub logs = new LogHub(vertx, config.logBuffer());
    ApiVerticle api = new ApiVerticle(config.host(), config.port(), config.idleTimeout(), config.token(), logs);
    return logs.serveTailRequests(vertx)
        .compose(v -> vertx.deployVerticle(new SupervisorVerticle(config, logs.andThen(sink)),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)))
        .compose(supervisorId -> vertx.deployVerticle(api)
            .map(apiId -> new Wrapper(vertx, api, supervisorId, apiId)))
        .onSuccess(wrapper -> {
          LOG.info("API listening on http://{}:{}", config.host(), api.actualPort());
          if (!config.skipOcisRun()) {
            wrapper.startOcis();
          }
        });
  }

  /** The initial start runs through the queue like any other; nobody waits for its reply. */
  private void startOcis() {
    new SupervisorClient(vertx).request(Addresses.START, new JsonObject())
        .onSuccess(body -> {
          if (body.getBoolean("ok", false)) {
            LOG.info("oCIS is up (pid {}, ready after {} ms)", body.getLong("pid"), body.getLong("startMs"));
          } else {
            LOG.error("oCIS did not start: {}", body.getString("reason"));
          }
        });
  }

  public int port() {
    return api.actualPort();
  }

  /** Stops the API, then every child (SIGINT, SIGKILL after the stop timeout). */
  public Future<Void> close() {
    return vertx.undeploy(apiId).otherwiseEmpty().compose(v -> vertx.undeploy(supervisorId));
  }
}
