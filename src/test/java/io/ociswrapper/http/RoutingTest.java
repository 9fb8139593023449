package io.ociswrapper.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Harness.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Envelopes for unknown paths and wrong methods (SPEC A2), {@code /healthz} and {@code /status}. */
@ExtendWith(VertxExtension.class)
class RoutingTest {

  private Harness wrapper;

  @BeforeEach
  void start(Vertx vertx) {
    wrapper = Harness.start(vertx);
  }

  @AfterEach
  void stop() {
    wrapper.close();
  }

  @Test
  void unknownPathIs404Envelope() {
    Reply reply = wrapper.call(HttpMethod.GET, "/no/such/thing");

    assertThat(reply.code()).isEqualTo(404);
    assertThat(reply.status()).isEqualTo("ERROR");
    assertThat(reply.headers().get("Content-Type")).isEqualTo("application/json");
  }

  @ParameterizedTest
  @CsvSource({"GET,/config,PUT", "POST,/rollback,DELETE", "GET,/start,POST", "PUT,/stop,POST",
      "GET,/command,POST", "POST,/status,GET", "DELETE,/healthz,GET"})
  void wrongMethodIs405WithAllow(String method, String path, String allowed) {
    Reply reply = wrapper.call(HttpMethod.valueOf(method), path);

    assertThat(reply.code()).as(reply.toString()).isEqualTo(405);
    assertThat(reply.headers().get("Allow")).isEqualTo(allowed);
    assertThat(reply.status()).isEqualTo("ERROR");
    assertThat(wrapper.standin.starts()).isEmpty();
  }

  @Test
  void rootServesTheLogPageWithBundledScriptsOnly() {
    Reply page = wrapper.call(HttpMethod.GET, "/");

    assertThat(page.code()).isEqualTo(200);
    assertThat(page.headers().get("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("/ui/lib/sockjs.min.js", "/ui/lib/vertx-eventbus.js", "/ui/app.js");
    assertThat(page.body()).doesNotContainPattern("src=\"(https?:)?//");
    for (String script : new String[] {"/ui/lib/sockjs.min.js", "/ui/lib/vertx-eventbus.js", "/ui/app.js", "/ui/app.css"}) {
      Reply file = wrapper.call(HttpMethod.GET, script);
      assertThat(file.code()).as(script).isEqualTo(200);
      assertThat(file.body()).isNotBlank();
    }
    assertThat(wrapper.call(HttpMethod.GET, "/ui/nope.js").code()).isEqualTo(404);
    assertThat(wrapper.call(HttpMethod.POST, "/").code()).isEqualTo(405);
  }

  @Test
  void healthzAnswersOk() {
    Reply reply = wrapper.call(HttpMethod.GET, "/healthz");

    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.status()).isEqualTo("OK");
  }

  @Test
  void statusShowsStatePidAndMasksSecretLookingOverrides() {
    wrapper.call(HttpMethod.PUT, "/config", new JsonObject().put("IDM_ADMIN_PASSWORD", "hunter2")
        .put("OCIS_JWT_SECRET", "abc").put("OCIS_LOG_LEVEL", "info").put("SOME_API_KEY", "k")
        .put("AUTH_TOKEN_X", "t"));

    JsonObject status = wrapper.status();

    assertThat(status.getString("state")).isEqualTo("RUNNING");
    assertThat(status.getLong("pid")).isEqualTo(wrapper.standin.starts().get(0));
    assertThat(status.getLong("uptimeMs")).isNotNegative();
    assertThat(status.getInteger("restarts")).isZero();
    assertThat(status.getLong("lastStartMs")).isPositive();
    assertThat(wrapper.call(HttpMethod.POST, "/stop").code()).isEqualTo(200);
    assertThat(wrapper.status().getLong("lastStopMs")).isNotNegative();
    assertThat(wrapper.status().getString("state")).isEqualTo("STOPPED");
    assertThat(wrapper.call(HttpMethod.PUT, "/config", "{}").code()).isEqualTo(200);
    status = wrapper.status();
    assertThat(status.getJsonObject("overrides")).isEqualTo(new JsonObject().put("IDM_ADMIN_PASSWORD", "***")
        .put("OCIS_JWT_SECRET", "***").put("OCIS_LOG_LEVEL", "info").put("SOME_API_KEY", "***")
        .put("AUTH_TOKEN_X", "***"));
    assertThat(wrapper.call(HttpMethod.GET, "/status").body()).doesNotContain("hunter2");
    assertThat(wrapper.childEnv().getString("IDM_ADMIN_PASSWORD")).isEqualTo("hunter2");
  }
}
