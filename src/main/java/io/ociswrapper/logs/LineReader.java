package io.ociswrapper.logs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a byte stream into lines without ever holding more than {@link #MAX_LINE} bytes:
 * a longer line is cut into pieces, each but the last ending with {@link #SPLIT_MARKER}, so a
 * child that prints several MiB without a newline never stops the reader or grows the heap.
 */
public final class LineReader {

  public static final int MAX_LINE = 64 * 1024;
  public static final String SPLIT_MARKER = " [ociswrapper: line split]";

  private final byte[] line = new byte[MAX_LINE];
  private int length;
  private boolean lastWasCr;

  /** Reads until end of stream, handing each line (without its terminator) to {@code out}. */
  public void pump(InputStream in, Consumer<String> out) throws IOException {
    byte[] chunk = new byte[16 * 1024];
    int n;
    while ((n = in.read(chunk)) >= 0) {
      feed(chunk, n, out);
    }
    if (length > 0) {
      emit(length, out, false);
    }
  }

  void feed(byte[] chunk, int n, Consumer<String> out) {
    for (int i = 0; i < n; i++) {
      byte b = chunk[i];
      if (b == '\n') {
        int end = lastWasCr && length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        emit(end, out, false);
      } else {
        if (length == MAX_LINE) {
          splitLongLine(out);
        }
        line[length++] = b;
      }
      lastWasCr = b == '\r';
    }
  }

  /** Cuts at a UTF-8 character boundary so that no piece ends in half a character. */
  private void splitLongLine(Consumer<String> out) {
    int cut = length;
    while (cut > length - 4 && cut > 0 && (line[cut - 1] & 0xC0) == 0x80) {
      cut--;
    }
    if (cut > 0 && (line[cut - 1] & 0xC0) == 0xC0) {
      cut--;
    }
    if (cut == 0) {
      cut = length;
    }
    int rest = length - cut;
    emit(cut, out, true);
    System.arraycopy(line, cut, line, 0, rest);
    length = rest;
  }

  private void emit(int end, Consumer<String> out, boolean split) {
    String text = new String(line, 0, end, StandardCharsets.UTF_8);
    length = 0;
    out.accept(split ? text + SPLIT_MARKER : text);
  }
}
