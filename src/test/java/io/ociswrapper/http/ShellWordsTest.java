package io.ociswrapper.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShellWordsTest {

  @Test
  void blanksSeparateWords() {
    assertThat(ShellWords.split("  storage-users uploads   sessions --json ")).containsExactly(
        "storage-users", "uploads", "sessions", "--json");
  }

  @Test
  void quotesKeepBlanksAndAreRemoved() {
    assertThat(ShellWords.split("a 'b c' \"d e\" f'g h'i")).containsExactly("a", "b c", "d e", "fg hi");
  }

  @Test
  void emptyQuotesAreAnEmptyArgument() {
    assertThat(ShellWords.split("a '' \"\"")).containsExactly("a", "", "");
  }

  @Test
  void backslashEscapesOutsideAndSomeInsideDoubleQuotes() {
    assertThat(ShellWords.split("a\\ b \"c\\\"d\" \"e\\nf\" 'g\\h'")).containsExactly("a b", "c\"d", "e\\nf", "g\\h");
  }

  @Test
  void nothingIsExpanded() {
    assertThat(ShellWords.split("$HOME ~ * `id` $(id) ; | &&")).containsExactly(
        "$HOME", "~", "*", "`id`", "$(id)", ";", "|", "&&");
  }

  @Test
  void unterminatedQuotesAreRejected() {
    assertThatThrownBy(() -> ShellWords.split("a 'b")).hasMessageContaining("single quote");
    assertThatThrownBy(() -> ShellWords.split("a \"b")).hasMessageContaining("double quote");
  }
}
