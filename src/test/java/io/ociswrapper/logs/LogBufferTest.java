package io.ociswrapper.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The ring behind {@code GET /logs}, {@code ocis.log.tail} and the publisher. */
class LogBufferTest {

  private static void fill(LogBuffer buffer, long from, long to) {
    for (long seq = from; seq <= to; seq++) {
      buffer.append(new LogLine(seq, "t", seq % 2 == 0 ? "ocis" : "audit", "stdout", "line " + seq));
    }
  }

  private static List<Long> seqs(LogBuffer.Slice slice) {
    return slice.lines().stream().map(LogLine::seq).collect(Collectors.toList());
  }

  @Test
  void keepsTheNewestLinesOnceFullAcrossManyWraps() {
    LogBuffer buffer = new LogBuffer(3000, Long.MAX_VALUE);
    fill(buffer, 1, 10_000);

    LogBuffer.Slice slice = buffer.from(1, 10);

    assertThat(slice.dropped()).isEqualTo(7000);
    assertThat(seqs(slice)).containsExactly(7001L, 7002L, 7003L, 7004L, 7005L, 7006L, 7007L, 7008L, 7009L, 7010L);
    assertThat(seqs(buffer.from(9995, 100))).containsExactly(9995L, 9996L, 9997L, 9998L, 9999L, 10_000L);
    assertThat(buffer.from(10_001, 100).lines()).isEmpty();
    assertThat(buffer.from(10_001, 100).dropped()).isZero();
  }

  @Test
  void tailFiltersBySourceAndStopsAtSince() {
    LogBuffer buffer = new LogBuffer(100, Long.MAX_VALUE);
    fill(buffer, 1, 250);

    assertThat(seqs(buffer.query(3, 0, "ocis", null, 251))).containsExactly(246L, 248L, 250L);
    assertThat(seqs(buffer.query(100, 245, "audit", "stdout", 251))).containsExactly(245L, 247L, 249L);
    assertThat(buffer.query(10, 100, null, null, 251).dropped()).isEqualTo(51);
  }

  @Test
  void sizeCapDropsOldLinesButKeepsTheNewestOne() {
    LogBuffer buffer = new LogBuffer(1000, 1000);
    fill(buffer, 1, 50);
    buffer.append(new LogLine(51, "t", "ocis", "stdout", "x".repeat(5000)));

    LogBuffer.Slice slice = buffer.from(1, 100);

    assertThat(seqs(slice)).containsExactly(51L);
    assertThat(slice.dropped()).isEqualTo(50);
  }
}
