package io.ociswrapper.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  private static List<String> read(byte[] bytes) throws IOException {
    List<String> lines = new ArrayList<>();
    new LineReader().pump(new ByteArrayInputStream(bytes), lines::add);
    return lines;
  }

  private static List<String> read(String text) throws IOException {
    return read(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void splitsOnNewlinesAndDropsCarriageReturns() throws IOException {
    assertThat(read("one\ntwo\r\nthree")).containsExactly("one", "two", "three");
  }

  @Test
  void keepsEmptyLines() throws IOException {
    assertThat(read("a\n\nb\n")).containsExactly("a", "", "b");
  }

  @Test
  void aMultiMebibyteLineIsSplitWithAMarkerAndReadingGoesOn() throws IOException {
    String huge = "x".repeat(5 * 1024 * 1024);

    List<String> lines = read(huge + "\nafter\n");

    assertThat(lines.get(lines.size() - 1)).isEqualTo("after");
    List<String> pieces = lines.subList(0, lines.size() - 1);
    assertThat(pieces).hasSize(80);
    assertThat(pieces.subList(0, 79)).allSatisfy(p -> assertThat(p).endsWith(LineReader.SPLIT_MARKER));
    long xs = pieces.stream().mapToLong(p -> p.replace(LineReader.SPLIT_MARKER, "").length()).sum();
    assertThat(xs).isEqualTo(huge.length());
    assertThat(pieces).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(
        LineReader.MAX_LINE + LineReader.SPLIT_MARKER.length()));
  }

  @Test
  void splitsNeverCutAMultiByteCharacter() throws IOException {
    String line = "é".repeat(LineReader.MAX_LINE);

    List<String> pieces = read(line);

    assertThat(String.join("", pieces).replace(LineReader.SPLIT_MARKER, "")).isEqualTo(line);
    assertThat(String.join("", pieces)).doesNotContain("\uFFFD");
  }
}
