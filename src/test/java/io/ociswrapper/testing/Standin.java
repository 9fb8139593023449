package io.ociswrapper.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The stand-in oCIS of this project and the events it records about itself. */
public final class Standin {

  public static final Path BASEDIR = Path.of(System.getProperty("ociswrapper.basedir", ".")).toAbsolutePath();
  public static final Path BIN = BASEDIR.resolve("scripts/ocis-standin");

  private final Path events;

  public Standin(Path events) {
    this.events = events;
  }

  public Path eventsFile() {
    return events;
  }

  public List<JsonObject> events() {
    if (!Files.exists(events)) {
      return List.of();
    }
    try {
      return Files.readAllLines(events).stream().filter(l -> !l.isBlank()).map(JsonObject::new)
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<JsonObject> events(String name) {
    return events().stream().filter(e -> name.equals(e.getString("event"))).collect(Collectors.toList());
  }

  /** Pids of every stand-in start, in order. */
  public List<Long> starts() {
    return events("start").stream().map(e -> e.getLong("pid")).collect(Collectors.toList());
  }

  public List<Long> grandchildren() {
    return events("grandchild").stream().map(e -> e.getLong("child")).collect(Collectors.toList());
  }

  /** Every process the stand-ins of this test started or spawned. */
  public List<Long> allPids() {
    List<Long> pids = starts();
    pids.addAll(grandchildren());
    return pids;
  }
}
