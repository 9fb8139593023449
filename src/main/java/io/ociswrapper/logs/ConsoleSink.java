package io.ociswrapper.logs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies child lines to the wrapper's stdout (CI logs rely on it) from a thread of its own,
 * through a bounded queue: when stdout is slower than the children (a slow CI log pipe), lines
 * are dropped and counted rather than blocking the readers that keep the children's pipes drained.
 * oCIS lines are printed as they are; a service's lines get a {@code [name]} prefix; the
 * wrapper's own log lines start with {@code [ociswrapper]}.
 */
public final class ConsoleSink implements LineSink, AutoCloseable {

  private static final int CAPACITY = 16 * 1024;

  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final PrintStream out;
  private final Thread writer;
  private volatile boolean closed;

  public ConsoleSink(PrintStream out) {
    this.out = out;
    this.writer = new Thread(this::drain, "console-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void line(String source, String stream, String text) {
    String printed = "ocis".equals(source) ? text : "[" + source + "] " + text;
    if (!queue.offer(printed)) {
      dropped.incrementAndGet();
    }
  }

  public long dropped() {
    return dropped.get();
  }

  private void drain() {
    List<String> batch = new ArrayList<>(256);
    StringBuilder text = new StringBuilder(64 * 1024);
    long reported = 0;
    try {
      while (!closed || !queue.isEmpty()) {
        String first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 1024);
        for (String line : batch) {
          text.append(line).append('\n');
        }
        long lost = dropped.get();
        if (lost > reported) {
          text.append("[ociswrapper] stdout too slow: ").append(lost - reported).append(" child lines not printed\n");
          reported = lost;
        }
        // One print per batch: PrintStream locks per call, so lines never interleave with log lines.
        out.print(text);
        out.flush();
        batch.clear();
        text.setLength(0);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    writer.join(2_000);
  }
}
