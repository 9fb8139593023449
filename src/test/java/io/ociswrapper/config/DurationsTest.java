package io.ociswrapper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void acceptsTheUnitsOfSpecB() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Durations.parse("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void bareNumbersAreSeconds() {
    assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void rejectsAnythingElse() {
    assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Durations.parse("5 days")).hasMessageContaining("not a duration");
  }
}
