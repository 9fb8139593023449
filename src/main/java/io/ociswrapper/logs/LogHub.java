package io.ociswrapper.logs;

import io.ociswrapper.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Context;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbers every child line ({@code seq} +1 per line for the life of the wrapper), keeps it in
 * the {@link LogBuffer}, and publishes it on {@value Addresses#LOG} (one message per line) and
 * {@value Addresses#LOG_BATCH} (one message per batch); answers
 * {@value Addresses#LOG_TAIL} requests from the buffer.
 *
 * <p>The pipe readers only append to the buffer. Publishing runs on the API's event loop, in
 * batches, each batch scheduled behind the deliveries of the one before: the bridge's
 * subscribers (on that same loop) pace the publisher, HTTP requests are served between batches,
 * and nothing queues up without bound. When a flood outruns the subscribers by more than the
 * buffer holds, the lines that fell out are skipped, counted, and the next message published
 * carries {@code dropped}: a gap in {@code seq} is never silent.
 */
public final class LogHub implements LineSink {

  /** Beside the line count, the buffer never holds more than this. */
  public static final long MAX_BUFFER_BYTES = 32L * 1024 * 1024;
  /** Always with milliseconds, also on a whole second (Instant.toString would drop ".000"). */
  private static final DateTimeFormatter TS_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  /** Lines published per event-loop turn; the loop serves other work between turns. */
  private static final int BATCH = 512;
  /** How long one turn may publish before the loop gets back to its I/O. */
  private static final long SLICE_NANOS = 2_000_000;

  private final Vertx vertx;
  private final EventBus bus;
  private final LogBuffer buffer;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private volatile Context publisher;
  private long nextSeq = 1;
  /** Guarded by this, like nextSeq. */
  private long lastTsMillis = -1;
  private String lastTs;
  /** Only touched on the publisher's context. */
  private long nextToPublish = 1;

  public LogHub(Vertx vertx, int maxLines) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.buffer = new LogBuffer(maxLines, MAX_BUFFER_BYTES);
  }

  @Override
  public void line(String source, String stream, String text) {
    synchronized (this) {
      buffer.append(new LogLine(nextSeq++, timestamp(), source, stream, text));
    }
    schedule();
  }

  /** ISO-8601 ms of now; formatted once per millisecond, as a flood brings many lines per ms. */
  private String timestamp() {
    long ms = System.currentTimeMillis();
    if (ms != lastTsMillis) {
      lastTsMillis = ms;
      lastTs = TS_FORMAT.format(Instant.ofEpochMilli(ms));
    }
    return lastTs;
  }

  /** Lines are published from {@code context} (the API verticle's) from now on. */
  public void publishFrom(Context context) {
    publisher = context;
    schedule();
  }

  /** Lines skipped because subscribers could not keep up with a flood. */
  public long dropped() {
    return dropped.get();
  }

  private void schedule() {
    Context context = publisher;
    if (context != null && scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> publishTurn());
    }
  }

  /**
   * One turn on the loop: batches back to back for at most {@link #SLICE_NANOS}, then, if the
   * flood goes on, a 1 ms timer, during which Netty serves this loop's I/O (requests, the
   * subscribers' writes). A timer after every batch capped the rate at about 100k lines/s;
   * tasks without a timer kept requests waiting for up to Netty's task quantum.
   */
  private void publishTurn() {
    long sliceEnd = System.nanoTime() + SLICE_NANOS;
    long before;
    do {
      before = nextToPublish;
      publishBatch();
    } while (nextToPublish > before && nextToPublish < nextSeq() && System.nanoTime() < sliceEnd);
    if (nextToPublish < nextSeq()) {
      vertx.setTimer(1, id -> publishTurn());
    } else {
      scheduled.set(false);
      if (nextToPublish < nextSeq()) {
        schedule();
      }
    }
  }

  private void publishBatch() {
    LogBuffer.Slice batch = buffer.from(nextToPublish, BATCH);
    long gap = batch.dropped();
    if (gap > 0) {
      dropped.addAndGet(gap);
    }
    JsonArray lines = new JsonArray(new ArrayList<>(batch.lines().size()));
    JsonObject batchMessage = new JsonObject().put("lines", lines).put("dropped", gap);
    for (LogLine line : batch.lines()) {
      JsonObject json = line.toJson();
      lines.add(json);
      if (gap > 0) {
        json = json.copy().put("dropped", gap);
        gap = 0;
      }
      bus.publish(Addresses.LOG, json);
      nextToPublish = line.seq() + 1;
    }
    if (!lines.isEmpty()) {
      bus.publish(Addresses.LOG_BATCH, batchMessage);
    }
    if (batch.lines().isEmpty() && batch.dropped() > 0) {
      nextToPublish += batch.dropped();
    }
  }

  public synchronized long nextSeq() {
    return nextSeq;
  }

  public LogBuffer.Slice query(int tail, long since, String source, String stream) {
    return buffer.query(tail, since, source, stream, nextSeq());
  }

  public int maxLines() {
    return buffer.maxLines();
  }

  /** {@code {"tail":N,"since":S,"source":…,"stream":…}} → {@code {"lines":[…],"nextSeq":n,"dropped":d}}. */
  public Future<Void> serveTailRequests(Vertx vertx) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.LOG_TAIL, message -> {
      JsonObject q = message.body() == null ? new JsonObject() : message.body();
      Object tail = q.getValue("tail");
      if (tail != null && !(tail instanceof Number)) {
        message.fail(400, "tail must be a number");
        return;
      }
      int n = tail == null ? 100 : Math.max(0, Math.min(buffer.maxLines(), ((Number) tail).intValue()));
      message.reply(toJson(query(n, q.getLong("since", 0L), q.getString("source"), q.getString("stream"))));
    });
    return consumer.completion();
  }

  public static JsonObject toJson(LogBuffer.Slice slice) {
    JsonArray lines = new JsonArray();
    slice.lines().forEach(l -> lines.add(l.toJson()));
    return new JsonObject().put("lines", lines).put("nextSeq", slice.nextSeq()).put("dropped", slice.dropped());
  }
}
