package io.ociswrapper.standin;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** Just enough JSON writing for the stand-in, which must not depend on the wrapper's libraries. */
final class Json {

  private Json() {
  }

  static String string(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String array(Collection<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (String v : values) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append(string(v));
    }
    return b.append(']').toString();
  }

  static String object(Map<String, ?> values) {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<String, ?> e : new TreeMap<>(values).entrySet()) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append(string(e.getKey())).append(':');
      Object v = e.getValue();
      b.append(v instanceof Number || v instanceof Boolean ? v.toString() : v == null ? "null" : string(v.toString()));
    }
    return b.append('}').toString();
  }
}
