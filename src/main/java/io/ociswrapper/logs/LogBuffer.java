package io.ociswrapper.logs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The last lines of every child, bounded by a line count and by size, so that neither many
 * short lines nor a few huge ones can grow the heap. Appended from the pipe readers, queried by
 * the API; a short lock guards both.
 */
public final class LogBuffer {

  private final int maxLines;
  private final long maxBytes;
  private final ArrayDeque<LogLine> lines = new ArrayDeque<>();
  private long bytes;

  public LogBuffer(int maxLines, long maxBytes) {
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
  }

  public synchronized void append(LogLine line) {
    lines.addLast(line);
    bytes += line.size();
    while (lines.size() > maxLines || (bytes > maxBytes && lines.size() > 1)) {
      bytes -= lines.removeFirst().size();
    }
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
    long oldest = lines.isEmpty() ? nextSeq : lines.peekFirst().seq();
    // seq starts at 1: since=0 means "from the first line".
    long dropped = Math.max(0, oldest - Math.max(since, 1));
    List<LogLine> found = new ArrayList<>(Math.min(tail, lines.size()));
    Iterator<LogLine> newestFirst = lines.descendingIterator();
    while (newestFirst.hasNext() && found.size() < tail) {
      LogLine line = newestFirst.next();
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
    long oldest = lines.isEmpty() ? seq : lines.peekFirst().seq();
    long dropped = Math.max(0, oldest - seq);
    List<LogLine> found = new ArrayList<>(Math.min(max, lines.size()));
    // Lines are in seq order without holes: skip straight to the first wanted one.
    long skip = Math.max(0, seq - oldest);
    Iterator<LogLine> it = lines.iterator();
    for (long i = 0; i < skip && it.hasNext(); i++) {
      it.next();
    }
    while (it.hasNext() && found.size() < max) {
      found.add(it.next());
    }
    return new Slice(found, found.isEmpty() ? seq + dropped : found.get(found.size() - 1).seq() + 1, dropped);
  }

  public int maxLines() {
    return maxLines;
  }
}
