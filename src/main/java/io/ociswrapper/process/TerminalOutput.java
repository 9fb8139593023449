package io.ociswrapper.process;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects a command's terminal output, bounded, and removes the echo of the inputs the
 * wrapper typed: only an exact {@code input CR LF} found after the point where that input was
 * written, so real output that merely resembles an input is never trimmed.
 */
final class TerminalOutput {

  static final int LIMIT = 16 * 1024 * 1024;
  static final String TRUNCATED = "\n[ociswrapper] output truncated at 16 MiB\n";

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final List<Echo> echoes = new ArrayList<>();
  private boolean truncated;

  private record Echo(byte[] text, int from) {
  }

  synchronized void append(byte[] chunk, int n) {
    int room = LIMIT - bytes.size();
    if (room < n) {
      truncated = true;
    }
    bytes.write(chunk, 0, Math.max(0, Math.min(room, n)));
  }

  /** Call just before writing {@code input} when the terminal echoes. */
  synchronized void expectEcho(String input) {
    echoes.add(new Echo((input + "\r\n").getBytes(StandardCharsets.UTF_8), bytes.size()));
  }

  synchronized String text() {
    byte[] all = bytes.toByteArray();
    ByteArrayOutputStream kept = new ByteArrayOutputStream(all.length);
    int copied = 0;
    for (Echo echo : echoes) {
      int at = indexOf(all, echo.text(), Math.max(copied, echo.from()));
      if (at >= 0) {
        kept.write(all, copied, at - copied);
        copied = at + echo.text().length;
      }
    }
    kept.write(all, copied, all.length - copied);
    String text = kept.toString(StandardCharsets.UTF_8);
    return truncated ? text + TRUNCATED : text;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    for (int i = from; i <= haystack.length - needle.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}
