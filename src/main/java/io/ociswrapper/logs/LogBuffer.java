package io.ociswrapper.logs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The last lines of every child, bounded by a line count and by size, so that neither many
 * short lines nor a few huge ones can grow the heap. Appended from the pipe readers, queried by
 * the API; a short lock guards both.
 *
 * <p>A ring that grows up to {@code maxLines}: lines are in seq order without holes, so the line
 * with a given seq is found by index, not by walking the buffer (the publisher asks for the next
 * batch about once a millisecond during a flood, under the lock the pipe readers need).
 */
public final class LogBuffer {

  private final int maxLines;
  private final long maxBytes;
  private LogLine[] ring;
  private int head;
  private int size;
  private long bytes;

  public LogBuffer(int maxLines, long maxBytes) {
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
    this.ring = new LogLine[Math.min(maxLines, 1024)];
  }

  public synchronized void append(LogLine line) {
    if (size == ring.length && size < maxLines) {
      grow();
    }
    if (size == ring.length) {
      removeOldest();
    }
    ring[(head + size) % ring.length] = line;
    size++;
    bytes += line.size();
    while (bytes > maxBytes && size > 1) {
      removeOldest();
    }
  }

  private void grow() {
    LogLine[] bigger = new LogLine[(int) Math.min(maxLines, 2L * ring.length)];
    for (int i = 0; i < size; i++) {
      bigger[i] = get(i);
    }
    ring = bigger;
    head = 0;
  }

  private void removeOldest() {
    bytes -= ring[head].size();
    ring[head] = null;
    head = (head + 1) % ring.length;
    size--;
  }

  /** The i-th line held, oldest first. */
  private LogLine get(int i) {
    return ring[(head + i) % ring.length];
  }

  /** What a query found: the lines, the seq to ask {@code since} next, and how many asked-for lines are gone. */
  public record Slice(List<LogLine> lines, long nextSeq, long dropped) {
  }

  /**
   * The last {@code tail} lines with {@code seq >= since} that match {@code source} and
   * {@code stream} (null: any). {@code dropped} counts lines at or after {@code since} that the
   * buffer no longer holds.
   */
  public synchronized Slice query(int tail, long since, String source, String stream, long nextSeq) {
    long oldest = size == 0 ? nextSeq : get(0).seq();
    // seq starts at 1: since=0 means "from the first line".
    long dropped = Math.max(0, oldest - Math.max(since, 1));
    List<LogLine> found = new ArrayList<>(Math.min(tail, size));
    for (int i = size - 1; i >= 0 && found.size() < tail; i--) {
      LogLine line = get(i);
      if (line.seq() < since) {
        break;
      }
      if ((source == null || source.equals(line.source())) && (stream == null || stream.equals(line.stream()))) {
        found.add(line);
      }
    }
    Collections.reverse(found);
    return new Slice(found, nextSeq, dropped);
  }

  /**
   * Up to {@code max} lines from {@code seq} on, oldest first; {@code dropped} counts the lines
   * from {@code seq} on that already fell out of the buffer.
   */
  public synchronized Slice from(long seq, int max) {
    long oldest = size == 0 ? seq : get(0).seq();
    long dropped = Math.max(0, oldest - seq);
    // Lines are in seq order without holes: the first wanted one is at a known index.
    long first = Math.max(0, seq - oldest);
    List<LogLine> found = new ArrayList<>((int) Math.max(0, Math.min(max, size - first)));
    for (long i = first; i < size && found.size() < max; i++) {
      found.add(get((int) i));
    }
    return new Slice(found, found.isEmpty() ? seq + dropped : found.get(found.size() - 1).seq() + 1, dropped);
  }

  public int maxLines() {
    return maxLines;
  }
}
