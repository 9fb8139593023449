package io.ociswrapper.http;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command string into arguments the way a POSIX shell would for plain words: blanks
 * separate, single quotes keep everything, double quotes keep everything but {@code \"},
 * {@code \\}, {@code \$}, {@code \`}, and a backslash outside quotes escapes the next character.
 * Nothing is expanded: the result is executed directly, never through a shell.
 */
public final class ShellWords {

  private ShellWords() {
  }

  public static List<String> split(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < command.length()) {
      char c = command.charAt(i++);
      if (c == '\'') {
        int end = command.indexOf('\'', i);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated single quote");
        }
        word.append(command, i, end);
        i = end + 1;
        inWord = true;
      } else if (c == '"') {
        i = doubleQuoted(command, i, word);
        inWord = true;
      } else if (c == '\\') {
        if (i < command.length()) {
          word.append(command.charAt(i++));
        }
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  private static int doubleQuoted(String command, int i, StringBuilder word) {
    while (i < command.length()) {
      char c = command.charAt(i++);
      if (c == '"') {
        return i;
      }
      if (c == '\\' && i < command.length() && "\"\\$`".indexOf(command.charAt(i)) >= 0) {
        word.append(command.charAt(i++));
      } else {
        word.append(c);
      }
    }
    throw new IllegalArgumentException("unterminated double quote");
  }
}
