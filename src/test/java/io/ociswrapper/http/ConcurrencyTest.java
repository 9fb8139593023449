package io.ociswrapper.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Processes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Parallel CI jobs: mutating requests are serialized, each gets its own answer (SPEC B, C). */
@ExtendWith(VertxExtension.class)
class ConcurrencyTest {

  @Test
  void twentyConcurrentConfigsAllSucceedAndEndInOneOcisWithEveryKey(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx)) {
      List<Future<HttpResponse<Buffer>>> replies = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        replies.add(wrapper.request(HttpMethod.PUT, "/config")
            .sendBuffer(Buffer.buffer(new JsonObject().put("KEY_" + i, "value-" + i).encode())));
      }

      for (Future<HttpResponse<Buffer>> reply : replies) {
        HttpResponse<Buffer> r = Harness.await(reply, 120);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getString("message")).isEqualTo("oCIS configured successfully");
      }

      List<Long> starts = wrapper.standin.starts();
      assertThat(starts).hasSize(20);
      assertThat(Processes.living(starts)).hasSize(1);
      JsonObject env = wrapper.childEnv();
      for (int i = 0; i < 20; i++) {
        assertThat(env.getString("KEY_" + i)).isEqualTo("value-" + i);
      }
      // Each reply describes its own restart: twenty different processes were reported.
      assertThat(replies.stream().map(f -> f.result().bodyAsJsonObject().getLong("pid")).distinct()).hasSize(20);
    }
  }

  @Test
  void statusIsAnsweredWhileARestartIsRunning(Vertx vertx) throws Exception {
    try (Harness wrapper = Harness.start(vertx, s -> s.env.put("STANDIN_START_DELAY", "1500ms"))) {
      Future<HttpResponse<Buffer>> slow = wrapper.request(HttpMethod.POST, "/start").send();
      org.awaitility.Awaitility.await().until(() -> wrapper.standin.starts().size() == 1);

      long before = System.nanoTime();
      JsonObject status = wrapper.status();
      long tookMs = (System.nanoTime() - before) / 1_000_000;

      assertThat(status.getString("state")).isEqualTo("STARTING");
      assertThat(tookMs).isLessThan(1_000);
      assertThat(slow.isComplete()).isFalse();
      assertThat(slow.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }
}
