package io.ociswrapper;

import io.ociswrapper.config.WrapperConfig;
import io.ociswrapper.http.ApiVerticle;
import io.ociswrapper.http.SupervisorClient;
import io.ociswrapper.logs.LineSink;
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

  public static Future<Wrapper> start(Vertx vertx, WrapperConfig config, LineSink sink) {
    ApiVerticle api = new ApiVerticle(config.host(), config.port());
    return vertx.deployVerticle(new SupervisorVerticle(config, sink),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
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
