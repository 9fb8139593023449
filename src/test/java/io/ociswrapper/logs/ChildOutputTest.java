package io.ociswrapper.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ociswrapper.testing.Harness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Child stdout/stderr lines are copied out as they come, and the pipes are always drained (SPEC A4, C). */
@ExtendWith(VertxExtension.class)
class ChildOutputTest {

  @Test
  void stdoutAndStderrLinesAreCopiedWithTheirStream(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx)) {
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(5)).until(() -> wrapper.lines.stream().anyMatch(l -> l.contains("is ready")));
      assertThat(wrapper.lines).anyMatch(l -> l.startsWith("ocis stdout {\"level\":\"info\"") && l.contains("starting ocis"));
      assertThat(wrapper.lines).anyMatch(l -> l.startsWith("ocis stderr ") && l.contains("this is a stand-in"));
    }
  }

  @Test
  void aFloodingChildIsDrainedAndTheApiStaysResponsive(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> s.env.put("STANDIN_FLOOD_LINES", "200000"))) {
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);

      long before = System.nanoTime();
      assertThat(wrapper.call(HttpMethod.GET, "/status").code()).isEqualTo(200);
      assertThat((System.nanoTime() - before) / 1_000_000).isLessThan(1_000);
      // The child finishes writing only if nobody let its pipe fill up.
      await().atMost(Duration.ofSeconds(30)).until(() -> !wrapper.standin.events("flood-end").isEmpty());
      await().atMost(Duration.ofSeconds(10)).until(() -> wrapper.lines.contains("ocis stdout flood 200000"));
      assertThat(wrapper.lines.stream().filter(l -> l.startsWith("ocis stdout flood "))).hasSize(200_000);
    }
  }

  @Test
  void aFiveMebibyteLineIsSplitAndTheLinesAfterItStillArrive(Vertx vertx) {
    try (Harness wrapper = Harness.start(vertx, s -> s.env.put("STANDIN_LONG_LINE_BYTES", Integer.toString(5 << 20)))) {
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(10)).until(() -> wrapper.lines.stream().anyMatch(l -> l.contains("long line written")));
      // 5 MiB of x are 80 full pieces, each marked as split; the line's tail follows as its own piece.
      assertThat(wrapper.lines.stream().filter(l -> l.startsWith("ocis stdout xxxx")))
          .hasSize(80)
          .allSatisfy(l -> assertThat(l).endsWith(LineReader.SPLIT_MARKER));
      assertThat(wrapper.lines).contains("ocis stdout END");
      assertThat(wrapper.lines).allSatisfy(l -> assertThat(l.length()).isLessThan(LineReader.MAX_LINE + 100));
    }
  }
}
