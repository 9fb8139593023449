package io.ociswrapper.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Harness.Reply;
import io.ociswrapper.testing.Processes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code PUT /config} and {@code DELETE /rollback} (SPEC A3) against the real stand-in. */
@ExtendWith(VertxExtension.class)
class ConfigEndpointTest {

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
  void configStartsOcisEvenWhenStoppedAndOverridesReachIt() {
    assertThat(wrapper.status().getString("state")).isEqualTo("STOPPED");

    Reply reply = wrapper.call(HttpMethod.PUT, "/config", "{\"OCIS_LOG_LEVEL\":\"debug\",\"OCIS_ASYNC_UPLOADS\":true}");

    assertThat(reply.code()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.json().getString("status")).isEqualTo("OK");
    assertThat(reply.message()).isEqualTo("oCIS configured successfully");
    assertThat(reply.headers().get("Content-Type")).isEqualTo("application/json");
    JsonObject env = wrapper.childEnv();
    assertThat(env.getString("OCIS_LOG_LEVEL")).isEqualTo("debug");
    assertThat(env.getString("OCIS_ASYNC_UPLOADS")).isEqualTo("true");
    assertThat(wrapper.status().getString("state")).isEqualTo("RUNNING");
  }

  @Test
  void restartKeepsAccumulatedOverridesAndLaterValuesWin() {
    assertThat(wrapper.call(HttpMethod.PUT, "/config", "{\"A\":\"1\",\"B\":\"first\"}").code()).isEqualTo(200);
    long firstPid = wrapper.status().getLong("pid");

    assertThat(wrapper.call(HttpMethod.PUT, "/config", "{\"B\":\"second\",\"C\":\"3\"}").code()).isEqualTo(200);

    JsonObject env = wrapper.childEnv();
    assertThat(env.getString("A")).isEqualTo("1");
    assertThat(env.getString("B")).isEqualTo("second");
    assertThat(env.getString("C")).isEqualTo("3");
    assertThat(wrapper.status().getLong("pid")).isNotEqualTo(firstPid);
    assertThat(Processes.alive(firstPid)).isFalse();
    assertThat(wrapper.standin.starts()).hasSize(2);
  }

  @Test
  void numbersArriveAsWritten() {
    Reply reply = wrapper.call(HttpMethod.PUT, "/config",
        "{\"BIG\":1000000,\"HALF\":1.5,\"EXP\":1e6,\"TRAIL\":1.50,\"NEG\":-7,\"HUGE\":123456789012345678901234567890}");

    assertThat(reply.code()).as(reply.toString()).isEqualTo(200);
    JsonObject env = wrapper.childEnv();
    assertThat(env.getString("BIG")).isEqualTo("1000000");
    assertThat(env.getString("HALF")).isEqualTo("1.5");
    assertThat(env.getString("EXP")).isEqualTo("1000000");
    assertThat(env.getString("TRAIL")).isEqualTo("1.50");
    assertThat(env.getString("NEG")).isEqualTo("-7");
    assertThat(env.getString("HUGE")).isEqualTo("123456789012345678901234567890");
  }

  @Test
  void rollbackClearsOverridesAndRestartsWithTheWrappersOwnEnvironment() {
    assertThat(wrapper.call(HttpMethod.PUT, "/config", "{\"FRONTEND_AUTO_ACCEPT_SHARES\":\"false\"}").code()).isEqualTo(200);
    long configuredPid = wrapper.status().getLong("pid");

    Reply reply = wrapper.call(HttpMethod.DELETE, "/rollback");

    assertThat(reply.code()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.message()).isEqualTo("oCIS configuration rolled back successfully");
    assertThat(wrapper.childEnv().containsKey("FRONTEND_AUTO_ACCEPT_SHARES")).isFalse();
    assertThat(wrapper.childEnv().getString("OCIS_URL")).isEqualTo(wrapper.settings.ocisUrl());
    assertThat(wrapper.status().getJsonObject("overrides")).isEqualTo(new JsonObject());
    assertThat(Processes.alive(configuredPid)).isFalse();
  }

  @Test
  void emptyObjectRestartsWithTheSameOverrides() {
    assertThat(wrapper.call(HttpMethod.PUT, "/config", "{\"KEEP\":\"me\"}").code()).isEqualTo(200);

    assertThat(wrapper.call(HttpMethod.PUT, "/config", "{}").code()).isEqualTo(200);

    assertThat(wrapper.childEnv().getString("KEEP")).isEqualTo("me");
    assertThat(wrapper.standin.starts()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "not json", "{\"A\":", "[]", "[{\"A\":\"1\"}]", "\"A=1\"", "42", "true", "null",
      "{\"A\":\"1\"} trailing"})
  void bodiesThatAreNotAJsonObjectAre400AndChangeNothing(String body) {
    assertThat(wrapper.call(HttpMethod.PUT, "/config", "{\"BEFORE\":\"1\"}").code()).isEqualTo(200);
    long pid = wrapper.status().getLong("pid");

    Reply reply = wrapper.call(HttpMethod.PUT, "/config", body);

    assertThat(reply.code()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.status()).isEqualTo("ERROR");
    assertThat(reply.message()).isEqualTo("Invalid json body");
    assertThat(reply.json().getString("reason")).isNotBlank();
    assertUnchanged(pid, new JsonObject().put("BEFORE", "1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"GOOD\":\"1\",\"NESTED\":{\"a\":1}}", "{\"GOOD\":\"1\",\"NESTED\":[1,2]}",
      "{\"GOOD\":\"1\",\"NESTED\":null}"})
  void nonScalarValuesAre400NamingTheKey(String body) {
    assertThat(wrapper.call(HttpMethod.PUT, "/config", "{\"BEFORE\":\"1\"}").code()).isEqualTo(200);
    long pid = wrapper.status().getLong("pid");

    Reply reply = wrapper.call(HttpMethod.PUT, "/config", body);

    assertThat(reply.code()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.message()).startsWith("Invalid json body").contains("'NESTED'");
    assertUnchanged(pid, new JsonObject().put("BEFORE", "1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1ABC", "A-B", "A B", "", "Ä", "A=B", "A.B"})
  void invalidVariableNamesAre400NamingTheKey(String key) {
    assertThat(wrapper.call(HttpMethod.PUT, "/config", "{\"BEFORE\":\"1\"}").code()).isEqualTo(200);
    long pid = wrapper.status().getLong("pid");

    Reply reply = wrapper.call(HttpMethod.PUT, "/config", new JsonObject().put("GOOD", "1").put(key, "x"));

    assertThat(reply.code()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.message()).contains("'" + key + "'");
    assertUnchanged(pid, new JsonObject().put("BEFORE", "1"));
  }

  @Test
  void bodyLargerThanOneMebibyteIs413() {
    String big = "{\"A\":\"" + "x".repeat(1024 * 1024) + "\"}";

    Reply reply = wrapper.call(HttpMethod.PUT, "/config", big);

    assertThat(reply.code()).isEqualTo(413);
    assertThat(reply.status()).isEqualTo("ERROR");
    assertThat(wrapper.standin.starts()).isEmpty();
  }

  @Test
  void contentTypeIsIgnored() {
    Reply empty = wrapper.call(wrapper.request(HttpMethod.PUT, "/config").putHeader("Content-Type", ""), "{\"A\":\"1\"}");
    Reply text = wrapper.call(wrapper.request(HttpMethod.PUT, "/config").putHeader("Content-Type", "text/plain"),
        "{\"B\":\"2\"}");

    assertThat(empty.code()).as(empty.toString()).isEqualTo(200);
    assertThat(text.code()).as(text.toString()).isEqualTo(200);
    assertThat(wrapper.childEnv().getString("B")).isEqualTo("2");
  }

  private void assertUnchanged(long pid, JsonObject overrides) {
    JsonObject status = wrapper.status();
    assertThat(status.getLong("pid")).isEqualTo(pid);
    assertThat(status.getString("state")).isEqualTo("RUNNING");
    assertThat(status.getJsonObject("overrides")).isEqualTo(overrides);
    assertThat(wrapper.standin.starts()).hasSize(1);
  }
}
