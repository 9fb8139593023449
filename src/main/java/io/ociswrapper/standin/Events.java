package io.ociswrapper.standin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;

/**
 * The stand-in's own clock: it appends one JSON line per event (start, listening, ready, exit,
 * grandchild) to {@code STANDIN_EVENTS}, so that tests and the benchmark measure the wrapper
 * against the child's own times instead of the wrapper's logs.
 */
final class Events {

  private final Path file;
  private final String role;
  private final long pid = ProcessHandle.current().pid();

  private Events(Path file, String role) {
    this.file = file;
    this.role = role;
  }

  static Events fromEnv(Map<String, String> env) {
    String path = env.get("STANDIN_EVENTS");
    return new Events(path == null || path.isBlank() ? null : Path.of(path), "ocis");
  }

  Events as(String newRole) {
    return new Events(file, newRole);
  }

  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  long record(String event) {
    return record(event, "");
  }

  /** Appends one line; {@code extra} is a JSON fragment such as {@code ,"code":3}. */
  synchronized long record(String event, String extra) {
    long us = nowMicros();
    if (file == null) {
      return us;
    }
    String line = "{\"event\":\"" + event + "\",\"role\":\"" + role + "\",\"pid\":" + pid
        + ",\"us\":" + us + extra + "}\n";
    try {
      // One write per line in append mode: lines from concurrent stand-ins never interleave.
      Files.write(file, line.getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      System.err.println("stand-in: cannot record event: " + e.getMessage());
    }
    return us;
  }
}
