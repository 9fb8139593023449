package io.ociswrapper.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ConsoleSinkTest {

  @Test
  void ocisLinesArePrintedAsTheyAreAndServiceLinesArePrefixed() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleSink sink = new ConsoleSink(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    sink.line("ocis", "stdout", "{\"level\":\"info\"}");
    sink.line("audit", "stderr", "audit line");
    sink.close();

    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("{\"level\":\"info\"}\n[audit] audit line\n");
  }

  @Test
  void aStuckStdoutNeverBlocksTheReadersLinesAreDroppedAndCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    OutputStream stuck = new OutputStream() {
      @Override
      public void write(int b) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    ConsoleSink sink = new ConsoleSink(new PrintStream(stuck, true, StandardCharsets.UTF_8));

    long before = System.nanoTime();
    for (int i = 0; i < 100_000; i++) {
      sink.line("ocis", "stdout", "line " + i);
    }
    long tookMs = (System.nanoTime() - before) / 1_000_000;

    assertThat(tookMs).isLessThan(5_000);
    await().until(() -> sink.dropped() > 0);
    assertThat(sink.dropped()).isGreaterThan(100_000 - 20_000);
    release.countDown();
    sink.close();
  }
}
