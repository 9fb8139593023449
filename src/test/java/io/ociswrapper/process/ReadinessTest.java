package io.ociswrapper.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Harness.Reply;
import io.ociswrapper.testing.Processes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The readiness probe of SPEC A4 against the stand-in's real HTTP(S) endpoints. */
@ExtendWith(VertxExtension.class)
class ReadinessTest {

  @Test
  void capabilitiesProbeCarriesARequestId(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx)) {
      long before = System.currentTimeMillis();
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);

      String id = wrapper.standinGet("/standin/info").getString("lastRequestId");
      assertThat(id).matches("ociswrapper-\\d+");
      assertThat(Long.parseLong(id.substring("ociswrapper-".length()))).isBetween(before, System.currentTimeMillis());
    }
  }

  @Test
  void slowStartIsWaitedFor(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> s.env.put("STANDIN_READY_DELAY", "700ms"))) {
      Reply reply = wrapper.call(HttpMethod.POST, "/start");

      assertThat(reply.code()).isEqualTo(200);
      long readyUs = wrapper.standin.events("ready").get(0).getLong("us");
      // The reply left after the child's own ready moment, never before it.
      assertThat(System.currentTimeMillis() * 1000).isGreaterThan(readyUs);
      assertThat(reply.json().getLong("readyMs")).isGreaterThanOrEqualTo(700);
    }
  }

  @Test
  void aLineFromTheChildTriggersAProbeBeforeTheIntervalIsOver(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> s.readyInterval = Duration.ofSeconds(30))) {
      Reply reply = wrapper.call(HttpMethod.POST, "/start");

      assertThat(reply.code()).isEqualTo(200);
      // The first probe (at spawn) finds nothing listening; without the nudge from the child's
      // "is ready" line the next one would come 30 s later.
      assertThat(reply.json().getLong("readyMs")).isLessThan(10_000);
      assertThat(wrapper.standin.events("ready")).hasSize(1);
    }
  }

  @Test
  void aSilentChildIsStillProbedEveryInterval(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.readyInterval = Duration.ofMillis(50);
      s.env.put("STANDIN_READY_DELAY", "600ms");
    })) {
      Reply reply = wrapper.call(HttpMethod.POST, "/start");

      assertThat(reply.code()).isEqualTo(200);
      // The stand-in logs nothing between "listening" and its ready moment: interval probes found it.
      assertThat(wrapper.standinGet("/standin/info").getLong("probes")).isGreaterThan(5);
    }
  }

  @Test
  void neverReadyIs500AfterTheReadyTimeoutAndLeavesNoProcess(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.readyTimeout = Duration.ofMillis(1500);
      s.env.put("STANDIN_NEVER_READY", "true");
      s.env.put("STANDIN_GRANDCHILDREN", "2");
    })) {
      long before = System.nanoTime();
      Reply reply = wrapper.call(HttpMethod.POST, "/start");
      long tookMs = (System.nanoTime() - before) / 1_000_000;

      assertThat(reply.code()).isEqualTo(500);
      assertThat(reply.message()).isEqualTo("Timeout waiting for oCIS server to start");
      assertThat(reply.json().getString("kind")).isEqualTo("TIMEOUT");
      assertThat(reply.json().getJsonArray("lastLines").encode()).contains("listening on");
      assertThat(tookMs).isBetween(1_400L, 10_000L);
      assertThat(Processes.living(wrapper.standin.allPids())).isEmpty();
      assertThat(wrapper.status().getString("state")).isEqualTo("FAILED");
    }
  }

  @Test
  void adminCredentialsSwitchToTheAuthenticatedGraphProbe(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.adminUsername = "admin";
      s.adminPassword = "s3cret";
      s.env.put("IDM_ADMIN_PASSWORD", "s3cret");
    })) {
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);
    }
  }

  @Test
  void wrongAdminPasswordNeverBecomesReady(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.adminUsername = "admin";
      s.adminPassword = "wrong";
      s.readyTimeout = Duration.ofSeconds(1);
      s.env.put("IDM_ADMIN_PASSWORD", "s3cret");
    })) {
      Reply reply = wrapper.call(HttpMethod.POST, "/start");

      assertThat(reply.code()).isEqualTo(500);
      assertThat(reply.json().getString("reason")).contains("/graph/v1.0/me/drives");
    }
  }

  @Test
  void selfSignedHttpsIsAccepted(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> s.scheme = "https")) {
      Reply reply = wrapper.call(HttpMethod.POST, "/start");

      assertThat(reply.code()).as(reply.toString()).isEqualTo(200);
      assertThat(wrapper.standinGet("/standin/info").getBoolean("ready")).isTrue();
    }
  }

  @Test
  void readyUrlReplacesTheDefaultProbe(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.readyUrl = s.ocisUrl() + "/readyz";
      // Credentials that would fail the Graph probe: only the replacement URL is asked.
      s.adminUsername = "admin";
      s.adminPassword = "wrong";
    })) {
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);
    }
  }
}
