package io.ociswrapper.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Harness.Reply;
import io.ociswrapper.testing.Processes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Crash retries per SPEC A4: a budget of --retry restarts per start request. */
@ExtendWith(VertxExtension.class)
class CrashRetryTest {

  @Test
  void crashesWhileStartingUseExactlyTheRetryBudget(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.retry = 2;
      s.env.put("STANDIN_CRASH_AFTER", "0ms");
      s.env.put("STANDIN_CRASH_CODE", "3");
    })) {
      Reply reply = wrapper.call(HttpMethod.POST, "/start");

      assertThat(reply.code()).isEqualTo(500);
      assertThat(reply.message()).isEqualTo("Timeout waiting for oCIS server to start");
      assertThat(reply.json().getInteger("exitCode")).isEqualTo(3);
      assertThat(reply.json().getInteger("attempts")).isEqualTo(3);
      assertThat(reply.json().getJsonArray("lastLines").encode()).contains("panic: stand-in crash");
      assertThat(wrapper.standin.starts()).hasSize(3);
      assertThat(wrapper.status().getString("state")).isEqualTo("FAILED");
      assertThat(wrapper.status().getInteger("restarts")).isEqualTo(2);
    }
  }

  @Test
  void childThatCannotStartFailsQuicklyNotAfterTheReadyTimeout(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.retry = 0;
      s.readyTimeout = Duration.ofSeconds(30);
      s.env.put("STANDIN_CRASH_AFTER", "0ms");
    })) {
      long before = System.nanoTime();
      Reply reply = wrapper.call(HttpMethod.PUT, "/config", "{\"A\":\"1\"}");
      long tookMs = (System.nanoTime() - before) / 1_000_000;

      assertThat(reply.code()).isEqualTo(500);
      assertThat(reply.message()).isEqualTo("Failed to restart oCIS with new configuration");
      assertThat(reply.json().getString("reason")).contains("exited with code 1");
      assertThat(tookMs).isLessThan(5_000);
      assertThat(wrapper.standin.starts()).hasSize(1);
    }
  }

  @Test
  void crashesWhileStartingAreRetriedUntilItComesUp(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.retry = 5;
      s.env.put("STANDIN_CRASH_AFTER", "0ms");
      s.env.put("STANDIN_CRASH_TIMES", "2");
      s.env.put("STANDIN_CRASH_COUNTER", s.env.getOrDefault("TMPDIR", "/tmp") + "/crash-" + System.nanoTime());
    })) {
      Reply reply = wrapper.call(HttpMethod.POST, "/start");

      assertThat(reply.code()).as(reply.toString()).isEqualTo(200);
      assertThat(reply.json().getInteger("attempts")).isEqualTo(3);
      assertThat(wrapper.standin.starts()).hasSize(3);
      assertThat(wrapper.status().getInteger("restarts")).isEqualTo(2);
    }
  }

  @Test
  void crashAfterReadyIsRestartedWithTheSameEnvironment(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.env.put("STANDIN_CRASH_AFTER", "1s");
      s.env.put("STANDIN_CRASH_TIMES", "1");
      s.env.put("STANDIN_CRASH_COUNTER", "/tmp/crash-" + System.nanoTime());
    })) {
      Reply reply = wrapper.call(HttpMethod.PUT, "/config", "{\"KEPT\":\"yes\"}");
      assertThat(reply.code()).isEqualTo(200);
      long first = reply.json().getLong("pid");

      await().atMost(Duration.ofSeconds(15)).until(() -> wrapper.standin.events("ready").size() == 2);
      await().atMost(Duration.ofSeconds(5)).until(() -> wrapper.status().getString("state").equals("RUNNING"));

      assertThat(Processes.alive(first)).isFalse();
      assertThat(wrapper.status().getLong("pid")).isNotEqualTo(first);
      assertThat(wrapper.status().getInteger("restarts")).isEqualTo(1);
      assertThat(wrapper.status().getInteger("lastExitCode")).isEqualTo(1);
      assertThat(wrapper.childEnv().getString("KEPT")).isEqualTo("yes");
    }
  }

  @Test
  void crashAfterReadyWithNoRetryLeftStaysFailed(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.retry = 0;
      s.env.put("STANDIN_CRASH_AFTER", "800ms");
    })) {
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(10)).until(() -> wrapper.status().getString("state").equals("FAILED"));

      assertThat(wrapper.standin.starts()).hasSize(1);
      assertThat(wrapper.status().getInteger("lastExitCode")).isEqualTo(1);
    }
  }

  @Test
  void exitWithCodeZeroIsNotRetried(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.env.put("STANDIN_CRASH_AFTER", "800ms");
      s.env.put("STANDIN_CRASH_CODE", "0");
    })) {
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(10)).until(() -> wrapper.status().getString("state").equals("STOPPED"));

      assertThat(wrapper.standin.starts()).hasSize(1);
    }
  }
}
