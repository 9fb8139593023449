package io.ociswrapper.logs;

import io.vertx.core.json.JsonObject;

/** One child output line as the event bus and {@code GET /logs} carry it. */
public record LogLine(long seq, String ts, String source, String stream, String line) {

  public JsonObject toJson() {
    return new JsonObject().put("seq", seq).put("ts", ts).put("source", source).put("stream", stream)
        .put("line", line);
  }

  /** Java chars as a cheap stand-in for the bytes a line holds in the buffer. */
  long size() {
    return 64L + 2L * line.length();
  }
}
