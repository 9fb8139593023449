package io.ociswrapper.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.ociswrapper.process.DebugPorts;
import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Harness.Reply;
import io.ociswrapper.testing.Ports;
import io.ociswrapper.testing.Processes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /services/*} (SPEC A3) against real stand-in service processes. */
@ExtendWith(VertxExtension.class)
class ServicesEndpointTest {

  private Vertx vertx;
  private Harness wrapper;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    wrapper = Harness.start(vertx);
  }

  @AfterEach
  void stop() {
    wrapper.close();
  }

  private int healthz(int port) {
    WebClient client = WebClient.create(vertx);
    try {
      return Harness.await(client.get(port, "127.0.0.1", "/healthz").send(), 10).statusCode();
    } finally {
      client.close();
    }
  }

  private JsonObject serviceEnv(int port) {
    WebClient client = WebClient.create(vertx);
    try {
      return Harness.await(client.get(port, "127.0.0.1", "/standin/env").send(), 10).bodyAsJsonObject();
    } finally {
      client.close();
    }
  }

  private List<Long> pids(String role) {
    return wrapper.standin.events("start").stream().filter(e -> role.equals(e.getString("role")))
        .map(e -> e.getLong("pid")).collect(Collectors.toList());
  }

  private JsonObject serviceStatus(String name) {
    JsonArray services = wrapper.call(HttpMethod.GET, "/status").json().getJsonArray("services");
    return services.stream().map(JsonObject.class::cast).filter(s -> name.equals(s.getString("name")))
        .findFirst().orElseThrow();
  }

  @Test
  void theAcceptanceSuitesServiceScenarioLeavesNoProcess() {
    int debug = Ports.free();
    scenario(debug);
    assertThat(Processes.living(wrapper.standin.allPids())).hasSize(1);
  }

  @Test
  void theServiceScenarioTwentyTimesInARow() {
    for (int i = 0; i < 20; i++) {
      scenario(Ports.free());
    }
    List<Long> audits = pids("audit");
    assertThat(audits).hasSize(20);
    assertThat(Processes.living(audits)).isEmpty();
    assertThat(Processes.living(pids("ocis"))).hasSize(1);
  }

  private void scenario(int debug) {
    Reply config = wrapper.call(HttpMethod.PUT, "/config", "{\"OCIS_EXCLUDE_RUN_SERVICES\":\"audit\",\"OCIS_LOG_LEVEL\":\"info\"}");
    assertThat(config.code()).as(config.toString()).isEqualTo(200);

    Reply started = wrapper.call(HttpMethod.POST, "/services/audit",
        "{\"AUDIT_LOG_LEVEL\":\"info\",\"AUDIT_DEBUG_ADDR\":\"127.0.0.1:" + debug + "\"}");
    assertThat(started.code()).as(started.toString()).isEqualTo(200);
    assertThat(started.message()).isEqualTo("'audit' service started successfully");
    assertThat(healthz(debug)).isEqualTo(200);

    Reply rollback = wrapper.call(HttpMethod.DELETE, "/services/rollback");
    assertThat(rollback.code()).as(rollback.toString()).isEqualTo(200);
    assertThat(rollback.message()).isEqualTo("All services have been rolled back successfully");
    Reply ocisRollback = wrapper.call(HttpMethod.DELETE, "/rollback");
    assertThat(ocisRollback.code()).isEqualTo(200);
    assertThat(Processes.living(pids("audit"))).isEmpty();
  }

  @Test
  void serviceRunsInItsOwnGroupWithTheWrappersEnvironmentPlusItsOverrides() throws IOException {
    int debug = Ports.free();
    Reply reply = wrapper.call(HttpMethod.POST, "/services/storage-users",
        new JsonObject().put("STORAGE_USERS_DEBUG_ADDR", "127.0.0.1:" + debug).put("STORAGE_USERS_DRIVER", "posix")
            .put("STORAGE_USERS_JWT_SECRET", "hush"));

    assertThat(reply.code()).as(reply.toString()).isEqualTo(200);
    long pid = reply.json().getLong("pid");
    assertThat(Processes.group(pid)).isEqualTo(pid);
    JsonObject env = serviceEnv(debug);
    assertThat(env.getString("STORAGE_USERS_DRIVER")).isEqualTo("posix");
    assertThat(env.getString("OCIS_URL")).isEqualTo(wrapper.settings.ocisUrl());
    JsonObject status = serviceStatus("storage-users");
    assertThat(status.getString("state")).isEqualTo("RUNNING");
    assertThat(status.getString("debugAddress")).isEqualTo("127.0.0.1:" + debug);
    assertThat(status.getLong("pid")).isEqualTo(pid);
    assertThat(status.getJsonObject("overrides").getString("STORAGE_USERS_JWT_SECRET")).isEqualTo("***");
    assertThat(env.getString("STORAGE_USERS_JWT_SECRET")).isEqualTo("hush");
    assertThat(wrapper.lines).anyMatch(l -> l.startsWith("storage-users stdout ") && l.contains("starting storage-users"));
  }

  @Test
  void postWhileRunningIs409AndStartsNoSecondProcess() {
    int debug = Ports.free();
    String body = "{\"AUDIT_DEBUG_ADDR\":\"127.0.0.1:" + debug + "\"}";
    assertThat(wrapper.call(HttpMethod.POST, "/services/audit", body).code()).isEqualTo(200);

    Reply again = wrapper.call(HttpMethod.POST, "/services/audit", "{\"AUDIT_LOG_LEVEL\":\"debug\"}");

    assertThat(again.code()).isEqualTo(409);
    assertThat(again.message()).contains("already running");
    assertThat(pids("audit")).hasSize(1);
    assertThat(serviceStatus("audit").getJsonObject("overrides").containsKey("AUDIT_LOG_LEVEL")).isFalse();
  }

  @Test
  void patchRestartsWithStoredOverridesPlusTheBodyWhichIsNotStored() {
    int debug = Ports.free();
    assertThat(wrapper.call(HttpMethod.POST, "/services/audit", new JsonObject()
        .put("AUDIT_DEBUG_ADDR", "127.0.0.1:" + debug).put("AUDIT_LOG_LEVEL", "info")).code()).isEqualTo(200);
    long first = pids("audit").get(0);

    Reply patched = wrapper.call(HttpMethod.PATCH, "/services/audit", "{\"AUDIT_LOG_LEVEL\":\"debug\",\"EXTRA\":\"1\"}");

    assertThat(patched.code()).as(patched.toString()).isEqualTo(200);
    assertThat(patched.message()).isEqualTo("'audit' service updated successfully");
    assertThat(Processes.alive(first)).isFalse();
    JsonObject env = serviceEnv(debug);
    assertThat(env.getString("AUDIT_LOG_LEVEL")).isEqualTo("debug");
    assertThat(env.getString("EXTRA")).isEqualTo("1");
    assertThat(serviceStatus("audit").getJsonObject("overrides")).isEqualTo(new JsonObject()
        .put("AUDIT_DEBUG_ADDR", "127.0.0.1:" + debug).put("AUDIT_LOG_LEVEL", "info"));

    // A plain PATCH goes back to the stored overrides alone.
    assertThat(wrapper.call(HttpMethod.PATCH, "/services/audit").code()).isEqualTo(200);
    assertThat(serviceEnv(debug).getString("AUDIT_LOG_LEVEL")).isEqualTo("info");
    assertThat(serviceEnv(debug).containsKey("EXTRA")).isFalse();
  }

  @Test
  void patchAndDeleteOfAServiceThatDoesNotRunAre500() {
    Reply patch = wrapper.call(HttpMethod.PATCH, "/services/audit");
    Reply delete = wrapper.call(HttpMethod.DELETE, "/services/audit");

    assertThat(patch.code()).isEqualTo(500);
    assertThat(patch.message()).isEqualTo("Service audit is not running");
    assertThat(delete.code()).isEqualTo(500);
    assertThat(delete.message()).isEqualTo("Service audit is not running");
  }

  @Test
  void deleteStopsTheServiceAndItsGrandchildren() {
    int debug = Ports.free();
    assertThat(wrapper.call(HttpMethod.POST, "/services/audit", new JsonObject()
        .put("AUDIT_DEBUG_ADDR", "127.0.0.1:" + debug).put("STANDIN_GRANDCHILDREN", "2")).code()).isEqualTo(200);

    Reply reply = wrapper.call(HttpMethod.DELETE, "/services/audit");

    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.message()).isEqualTo("audit service stopped successfully");
    assertThat(Processes.living(wrapper.standin.allPids())).isEmpty();
    assertThat(serviceStatus("audit").getString("state")).isEqualTo("STOPPED");
  }

  @Test
  void deleteOfACrashedServiceSaysItIsNotRunningAndLeavesNothing() {
    try (Harness noRetry = Harness.startSeparate(s -> s.retry = 0)) {
      int debug = Ports.free();
      assertThat(noRetry.call(HttpMethod.POST, "/services/audit", new JsonObject()
          .put("AUDIT_DEBUG_ADDR", "127.0.0.1:" + debug).put("STANDIN_GRANDCHILDREN", "1")
          .put("STANDIN_CRASH_AFTER", "700ms").put("STANDIN_CRASH_CODE", "2")).code()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> noRetry.call(HttpMethod.GET, "/status").json()
          .getJsonArray("services").getJsonObject(0).getString("state").equals("FAILED"));

      Reply reply = noRetry.call(HttpMethod.DELETE, "/services/audit");

      assertThat(reply.code()).isEqualTo(500);
      assertThat(reply.message()).isEqualTo("Service audit is not running");
      // The crashed service's grandchild went with the DELETE.
      assertThat(Processes.living(noRetry.standin.allPids())).isEmpty();
    }
  }

  @Test
  void rollbackWithARunningAStoppedAndACrashedServiceAnswersWithinTwoSeconds() {
    try (Harness noRetry = Harness.startSeparate(s -> s.retry = 0)) {
      int running = Ports.free();
      int stopped = Ports.free();
      int crashed = Ports.free();
      assertThat(noRetry.call(HttpMethod.POST, "/services/audit", "{\"AUDIT_DEBUG_ADDR\":\"127.0.0.1:" + running + "\"}")
          .code()).isEqualTo(200);
      assertThat(noRetry.call(HttpMethod.POST, "/services/graph", "{\"GRAPH_DEBUG_ADDR\":\"127.0.0.1:" + stopped + "\"}")
          .code()).isEqualTo(200);
      assertThat(noRetry.call(HttpMethod.DELETE, "/services/graph").code()).isEqualTo(200);
      assertThat(noRetry.call(HttpMethod.POST, "/services/search", new JsonObject()
          .put("SEARCH_DEBUG_ADDR", "127.0.0.1:" + crashed).put("STANDIN_CRASH_AFTER", "1s")
          .put("STANDIN_CRASH_CODE", "2")).code()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> noRetry.call(HttpMethod.GET, "/status").json()
          .getJsonArray("services").stream().map(JsonObject.class::cast)
          .anyMatch(svc -> svc.getString("name").equals("search") && svc.getString("state").equals("FAILED")));

      long before = System.nanoTime();
      Reply reply = noRetry.call(HttpMethod.DELETE, "/services/rollback");
      long tookMs = (System.nanoTime() - before) / 1_000_000;

      assertThat(reply.code()).isEqualTo(200);
      assertThat(tookMs).isLessThan(2_000);
      assertThat(Processes.living(noRetry.standin.allPids())).isEmpty();
      assertThat(noRetry.call(HttpMethod.GET, "/status").json().getJsonArray("services")).isEmpty();
    }
  }

  @Test
  void twoServicesRunAtOnce() {
    int audit = Ports.free();
    int graph = Ports.free();

    assertThat(wrapper.call(HttpMethod.POST, "/services/audit", "{\"AUDIT_DEBUG_ADDR\":\"127.0.0.1:" + audit + "\"}").code())
        .isEqualTo(200);
    assertThat(wrapper.call(HttpMethod.POST, "/services/graph", "{\"GRAPH_DEBUG_ADDR\":\"127.0.0.1:" + graph + "\"}").code())
        .isEqualTo(200);

    assertThat(healthz(audit)).isEqualTo(200);
    assertThat(healthz(graph)).isEqualTo(200);
    assertThat(wrapper.call(HttpMethod.GET, "/status").json().getJsonArray("services")).hasSize(2);
  }

  @Test
  void defaultDebugPortIsUsedWithoutAnOverride() throws IOException {
    String service = "webfinger";
    int port = DebugPorts.of(service).getAsInt();
    try (ServerSocket probe = new ServerSocket(port)) {
      probe.close();
    } catch (IOException e) {
      assumeThat(false).as("default port " + port + " is taken on this machine").isTrue();
    }

    Reply reply = wrapper.call(HttpMethod.POST, "/services/" + service);

    assertThat(reply.code()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.json().getString("debugAddress")).isEqualTo("127.0.0.1:" + port);
    assertThat(healthz(port)).isEqualTo(200);
  }

  @Test
  void configRestartAndStopAlsoStopServicesButKeepTheirOverrides() {
    int debug = Ports.free();
    assertThat(wrapper.call(HttpMethod.POST, "/services/audit", "{\"AUDIT_DEBUG_ADDR\":\"127.0.0.1:" + debug + "\"}").code())
        .isEqualTo(200);

    assertThat(wrapper.call(HttpMethod.PUT, "/config", "{\"A\":\"1\"}").code()).isEqualTo(200);

    assertThat(Processes.living(pids("audit"))).isEmpty();
    assertThat(serviceStatus("audit").getJsonObject("overrides").getString("AUDIT_DEBUG_ADDR")).isEqualTo("127.0.0.1:" + debug);
    assertThat(wrapper.call(HttpMethod.POST, "/services/audit").code()).isEqualTo(200);
    assertThat(healthz(debug)).isEqualTo(200);

    assertThat(wrapper.call(HttpMethod.POST, "/stop").code()).isEqualTo(200);
    assertThat(Processes.living(wrapper.standin.allPids())).isEmpty();
  }

  @Test
  void serviceThatNeverBecomesHealthyIs500WithItsLastLinesAndIsCleanedUp() {
    try (Harness quick = Harness.startSeparate(s -> s.readyTimeout = Duration.ofSeconds(1))) {
      int debug = Ports.free();
      Reply reply = quick.call(HttpMethod.POST, "/services/audit", new JsonObject()
          .put("AUDIT_DEBUG_ADDR", "127.0.0.1:" + debug).put("STANDIN_NEVER_READY", "true"));

      assertThat(reply.code()).isEqualTo(500);
      assertThat(reply.message()).isEqualTo("Failed to start 'audit' service.");
      assertThat(reply.json().getString("reason")).contains("not ready");
      assertThat(reply.json().getJsonArray("lastLines").encode()).contains("starting audit");
      assertThat(Processes.living(quick.standin.allPids())).isEmpty();
    }
  }

  @Test
  void serviceThatExitsWhileStartingIs500() {
    Reply reply = wrapper.call(HttpMethod.POST, "/services/audit", new JsonObject()
        .put("AUDIT_DEBUG_ADDR", "127.0.0.1:" + Ports.free()).put("STANDIN_CRASH_AFTER", "0ms")
        .put("STANDIN_CRASH_CODE", "0"));

    assertThat(reply.code()).isEqualTo(500);
    assertThat(reply.json().getString("reason")).contains("exited with code 0");
  }

  @Test
  void unknownServiceWithoutDebugAddressIs500NamingTheVariable() {
    Reply reply = wrapper.call(HttpMethod.POST, "/services/frobnicator");

    assertThat(reply.code()).isEqualTo(500);
    assertThat(reply.json().getString("reason")).contains("FROBNICATOR_DEBUG_ADDR");
    assertThat(wrapper.standin.starts()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Audit", "audit%20x", "..", "a..b", "1audit", "-audit", "audit_x", "%2e%2e", "a%2Fb"})
  void badNamesAre400AndStartNothing(String name) {
    Reply reply = wrapper.call(HttpMethod.POST, "/services/" + name);

    assertThat(reply.code()).as(reply.toString()).isIn(400, 404);
    assertThat(reply.status()).isEqualTo("ERROR");
    assertThat(wrapper.standin.starts()).isEmpty();
  }

  @Test
  void nameWithASlashIsNotAService() {
    assertThat(wrapper.call(HttpMethod.POST, "/services/a/b").code()).isEqualTo(404);
    assertThat(wrapper.standin.starts()).isEmpty();
  }

  @Test
  void rollbackIsTheEndpointNotAService() {
    Reply reply = wrapper.call(HttpMethod.POST, "/services/rollback");

    assertThat(reply.code()).isEqualTo(405);
    assertThat(reply.headers().get("Allow")).isEqualTo("DELETE");
    assertThat(wrapper.standin.starts()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "nope", "{\"A\":{\"b\":1}}", "{\"1A\":\"x\"}"})
  void badBodiesAre400AndStartNothing(String body) {
    Reply reply = wrapper.call(HttpMethod.POST, "/services/audit", body);

    assertThat(reply.code()).as(reply.toString()).isEqualTo(400);
    assertThat(wrapper.standin.starts()).isEmpty();
  }
}
