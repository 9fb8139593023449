package io.ociswrapper.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Harness.Reply;
import io.ociswrapper.testing.Processes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /start} and {@code POST /stop}, process groups and stop timeouts (SPEC A3, A4). */
@ExtendWith(VertxExtension.class)
class StartStopEndpointTest {

  @Test
  void startRunsOcisInItsOwnProcessGroupAndAnswersOnceReady(Vertx vertx) throws Exception {
    try (Harness wrapper = Harness.start(vertx)) {
      Reply reply = wrapper.call(HttpMethod.POST, "/start");

      assertThat(reply.code()).as(reply.toString()).isEqualTo(200);
      assertThat(reply.message()).isEqualTo("oCIS server is up and running");
      long pid = reply.json().getLong("pid");
      assertThat(wrapper.standin.starts()).containsExactly(pid);
      assertThat(wrapper.standin.events("ready")).hasSize(1);
      assertThat(Processes.group(pid)).isEqualTo(pid);
      assertThat(Processes.group(pid)).isNotEqualTo(Processes.group(ProcessHandle.current().pid()));
      assertThat(reply.json().fieldNames()).contains("queuedMs", "stopMs", "startMs", "readyMs", "attempts");
    }
  }

  @Test
  void startIs409OnlyWhileOcisIsReallyAlive(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> s.retry = 0)) {
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);
      long pid = wrapper.status().getLong("pid");

      Reply again = wrapper.call(HttpMethod.POST, "/start");
      assertThat(again.code()).isEqualTo(409);
      assertThat(again.message()).isEqualTo("oCIS server is already running");
      assertThat(wrapper.standin.starts()).hasSize(1);

      // Killed behind the wrapper's back (no retry budget): recorded as started, but not alive.
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      Processes.awaitGone(List.of(pid));
      Reply afterDeath = wrapper.call(HttpMethod.POST, "/start");

      assertThat(afterDeath.code()).as(afterDeath.toString()).isEqualTo(200);
      assertThat(afterDeath.json().getLong("pid")).isNotEqualTo(pid);
      assertThat(wrapper.standin.starts()).hasSize(2);
    }
  }

  @Test
  void anOrphanHoldingTheOcisPortIsNamedInsteadOfProbed(Vertx vertx) throws Exception {
    try (Harness wrapper = Harness.start(vertx)) {
      ProcessBuilder orphan = new ProcessBuilder(io.ociswrapper.testing.Standin.BIN.toString(), "server")
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
      orphan.environment().put("OCIS_URL", wrapper.settings.ocisUrl());
      Process old = orphan.start();
      try {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
            .until(() -> wrapper.standinGetOrNull("/standin/info") != null);

        Reply reply = wrapper.call(HttpMethod.POST, "/start");

        assertThat(reply.code()).isEqualTo(500);
        assertThat(reply.json().getString("reason"))
            .contains("port " + wrapper.settings.ocisPort + " is already in use by pid " + old.pid())
            .contains("io.ociswrapper.standin.StandIn server");
        assertThat(wrapper.standin.starts()).isEmpty();
        assertThat(old.isAlive()).isTrue();
      } finally {
        old.destroyForcibly().waitFor();
      }
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);
    }
  }

  @Test
  void stopIs200AlsoWhenNothingRuns(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx)) {
      Reply reply = wrapper.call(HttpMethod.POST, "/stop");

      assertThat(reply.code()).isEqualTo(200);
      assertThat(reply.message()).isEqualTo("oCIS server stopped successfully");
      assertThat(wrapper.status().getString("state")).isEqualTo("STOPPED");
    }
  }

  @Test
  void stopSendsSigintAndWaitsUntilOcisIsGone(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx)) {
      long pid = wrapper.call(HttpMethod.POST, "/start").json().getLong("pid");

      Reply reply = wrapper.call(HttpMethod.POST, "/stop");

      assertThat(reply.code()).isEqualTo(200);
      assertThat(reply.json().getBoolean("killed")).isFalse();
      assertThat(Processes.alive(pid)).isFalse();
      assertThat(wrapper.standin.events("exit")).singleElement()
          .satisfies(e -> assertThat(e.getString("signal")).isEqualTo("SIGINT"));
      assertThat(wrapper.status().getString("state")).isEqualTo("STOPPED");
    }
  }

  @Test
  void stopKillsGrandchildren(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> s.env.put("STANDIN_GRANDCHILDREN", "3"))) {
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);
      List<Long> grandchildren = wrapper.standin.grandchildren();
      assertThat(grandchildren).hasSize(3);
      assertThat(Processes.living(grandchildren)).hasSize(3);

      Reply reply = wrapper.call(HttpMethod.POST, "/stop");

      assertThat(reply.code()).isEqualTo(200);
      // The reply comes only once every member of the group is gone, the double-forked one included.
      assertThat(Processes.living(grandchildren)).isEmpty();
    }
  }

  @Test
  void childIgnoringSigintIsKilledAfterTheStopTimeout(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.env.put("STANDIN_IGNORE_SIGINT", "true");
      s.stopTimeout = Duration.ofMillis(700);
    })) {
      long pid = wrapper.call(HttpMethod.POST, "/start").json().getLong("pid");
      long before = System.nanoTime();

      Reply reply = wrapper.call(HttpMethod.POST, "/stop");

      long tookMs = (System.nanoTime() - before) / 1_000_000;
      assertThat(reply.code()).isEqualTo(200);
      assertThat(reply.json().getBoolean("killed")).isTrue();
      assertThat(tookMs).isGreaterThanOrEqualTo(700);
      assertThat(Processes.alive(pid)).isFalse();
      assertThat(wrapper.standin.events("exit")).isEmpty();
    }
  }

  @Test
  void stopDuringConfigRestartLeavesNoSecondOcis(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> s.env.put("STANDIN_START_DELAY", "300ms"))) {
      var config = wrapper.request(HttpMethod.PUT, "/config").sendBuffer(io.vertx.core.buffer.Buffer.buffer("{\"X\":\"1\"}"));
      var stop = wrapper.request(HttpMethod.POST, "/stop").send();

      assertThat(Harness.await(config, 60).statusCode()).isEqualTo(200);
      assertThat(Harness.await(stop, 60).statusCode()).isEqualTo(200);

      assertThat(Processes.living(wrapper.standin.starts())).isEmpty();
      assertThat(wrapper.status().getString("state")).isEqualTo("STOPPED");
    }
  }
}
