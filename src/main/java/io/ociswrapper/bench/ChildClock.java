package io.ociswrapper.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The stand-in's own records ({@code STANDIN_EVENTS}): when each child started (its launcher's
 * {@code execUs}, before the JVM boots), got SIGINT, exited, became ready. The benchmark bills
 * these spans to the child and only the rest to the wrapper.
 */
final class ChildClock {

  private final Path file;

  ChildClock(Path file) {
    this.file = file;
  }

  List<JsonObject> events() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(JsonObject::new)
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first {@code event} of {@code role} at or after {@code fromUs}. */
  Optional<JsonObject> first(String role, String event, long fromUs) {
    return events().stream().filter(e -> role.equals(e.getString("role")) && event.equals(e.getString("event"))
        && e.getLong("us") >= fromUs).findFirst();
  }

  Optional<JsonObject> of(long pid, String event) {
    return events().stream().filter(e -> e.getLong("pid") == pid && event.equals(e.getString("event"))).findFirst();
  }

  /** Child's own stop time: SIGINT received to its last act before exiting, µs. */
  long stopUs(long pid) {
    return at(pid, "exit") - at(pid, "signal");
  }

  /** Child's own start time: its launcher started to the moment it is ready, µs. */
  long startUs(long pid) {
    JsonObject start = of(pid, "start").orElseThrow(() -> new IllegalStateException("no start event for " + pid));
    return at(pid, "ready") - start.getLong("execUs", start.getLong("us"));
  }

  /** The pid of the child of {@code role} started at or after {@code fromUs}. */
  long startedAfter(String role, long fromUs) {
    return first(role, "start", fromUs).map(e -> e.getLong("pid"))
        .orElseThrow(() -> new IllegalStateException("no " + role + " started after " + fromUs));
  }

  long at(long pid, String event) {
    return of(pid, event).map(e -> e.getLong("us"))
        .orElseThrow(() -> new IllegalStateException("no " + event + " event for pid " + pid));
  }
}
