package io.ociswrapper.process;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The supervisor's answers on the event bus: facts, not HTTP. {@code ok} says whether the
 * operation did what was asked; {@code conflict} marks "already running"; {@code reason},
 * {@code exitCode} and {@code lastLines} explain a failure; the rest are timings.
 */
public final class Replies {

  private Replies() {
  }

  static JsonObject started(StartReport report, long stopMs) {
    return new JsonObject().put("ok", true)
        .put("pid", report.pid())
        .put("attempts", report.attempts())
        .put("stopMs", stopMs)
        .put("startMs", report.startMs())
        .put("readyMs", report.readyMs());
  }

  static JsonObject startFailed(StartFailure failure, long stopMs) {
    return failure(failure.getMessage())
        .put("kind", failure.kind().name())
        .put("exitCode", failure.exitCode())
        .put("attempts", failure.attempts())
        .put("stopMs", stopMs)
        .put("lastLines", new JsonArray(failure.lastLines()));
  }

  static JsonObject stopped(StopReport report) {
    return new JsonObject().put("ok", true).put("stopMs", report.stopMs()).put("killed", report.killed());
  }

  static JsonObject conflict(JsonObject snapshot) {
    return new JsonObject().put("ok", false).put("conflict", true).put("pid", snapshot.getLong("pid"));
  }

  static JsonObject command(CommandResult result) {
    return new JsonObject().put("ok", true)
        .put("exitCode", result.exitCode())
        .put("output", result.output())
        .put("timedOut", result.timedOut())
        .put("durationMs", result.durationMs());
  }

  public static JsonObject failure(String reason) {
    return new JsonObject().put("ok", false).put("reason", reason);
  }
}
