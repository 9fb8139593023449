package io.ociswrapper.bench;

import io.ociswrapper.bench.WrapperUnderTest.Timed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/bench}: what CI users wait for, against the physical limit. Runs the fat jar
 * against the stand-in on loopback and measures every reply against the child's own times from
 * the stand-in's records. Prints one table and writes it to {@code target/bench/} as Markdown
 * and JSON. Exits non-zero only on errors (a wrong status code, a lost line), never on timing.
 *
 * <p>Arguments: {@code --quick} (3 repetitions, fewer lines, short load windows), {@code --only GROUP}, {@code --jar},
 * {@code --standin}, {@code --jvm-options FILE}, {@code --out DIR}.
 */
public final class Bench {

  private static final double OVERHEAD_MS = 30;

  private final WrapperUnderTest.Settings settings;
  private final Path out;
  private final boolean quick;
  private final int reps;
  private final String only;
  private final List<Row> rows = new ArrayList<>();

  private Bench(WrapperUnderTest.Settings settings, Path out, boolean quick, String only) {
    this.only = only;
    this.settings = settings;
    this.out = out;
    this.quick = quick;
    this.reps = quick ? 3 : 10;
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    Path jar = Path.of("target/ociswrapper.jar");
    Path standin = Path.of("scripts/ocis-standin");
    Path jvmOptions = Path.of("config/jvm.options");
    Path out = Path.of("target/bench");
    String only = "";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--jar" -> jar = Path.of(args[++i]);
        case "--standin" -> standin = Path.of(args[++i]);
        case "--jvm-options" -> jvmOptions = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--only" -> only = args[++i];
        default -> {
          System.err.println("bench: unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    WrapperUnderTest.Settings settings = new WrapperUnderTest.Settings(jar.toAbsolutePath(),
        standin.toAbsolutePath(), readOptions(jvmOptions));
    Bench bench = new Bench(settings, out.toAbsolutePath(), quick, only);
    int code = bench.run();
    System.exit(code);
  }

  /** {@code config/jvm.options}: one option per line, {@code #} comments; the process tests read it too. */
  public static List<String> readOptions(Path file) throws IOException {
    List<String> options = new ArrayList<>();
    if (Files.exists(file)) {
      Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .forEach(options::add);
    }
    return options;
  }

  private int run() throws Exception {
    Vertx vertx = Vertx.vertx();
    String error = null;
    Row idleRss = new Row("idle RSS (oCIS running, 2 s after start)", "MiB").target("median", true, 120);
    Row rssAfter = new Row("RSS after the run", "MiB");
    try (WrapperUnderTest wrapper = new WrapperUnderTest(settings, out.resolve("run"),
        Map.of("STANDIN_START_DELAY", "100ms"), List.of())) {
      wrapper.awaitRunning(Duration.ofSeconds(60));
      Thread.sleep(2000);
      idleRss.add(wrapper.rssKib() / 1024.0);
      try {
        if (wanted("lifecycle")) {
          lifecycle(wrapper);
          services(wrapper);
          scenario(wrapper);
          slowStart(wrapper);
        }
        if (wanted("command")) {
          command(wrapper);
        }
        if (wanted("logs")) {
          logs(vertx, wrapper);
        }
        if (wanted("http")) {
          throughput(vertx, wrapper);
        }
      } catch (Exception e) {
        error = e.toString();
        System.err.println("bench: " + e);
      }
      rssAfter.add(wrapper.rssKib() / 1024.0);
    }
    try {
      if (wanted("start")) {
        startToListening();
      }
    } catch (Exception e) {
      error = e.toString();
    }
    rows.add(idleRss);
    rows.add(rssAfter);
    vertx.close().await(10, TimeUnit.SECONDS);
    String header = "ociswrapper benchmark" + (quick ? " (--quick)" : "") + ", " + Instant.now()
        + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
        + ", JVM options: " + String.join(" ", settings.jvmOptions);
    String table = Report.markdown(rows, header);
    System.out.println(table);
    Report.write(out, rows, header, new JsonObject().put("quick", quick).put("error", error));
    System.out.println("written: " + out.resolve("bench.md") + ", " + out.resolve("bench.json"));
    if (error != null) {
      System.err.println("bench: FAILED: " + error);
      return 1;
    }
    return 0;
  }

  /** {@code --only lifecycle|command|logs|http|start}: one group of rows, for profiling. */
  private boolean wanted(String group) {
    return only.isEmpty() || only.equals(group);
  }

  private Row row(String name, String unit) {
    Row row = new Row(name, unit);
    rows.add(row);
    return row;
  }

  /**
   * Before each measured request: a child that has just become ready is still busy warming up
   * (its JIT, its first log lines), and on 2 cores that slows its reaction to SIGINT by several
   * ms, which would be billed to the wrapper. Suites run tests between restarts anyway.
   */
  private static void settle() throws InterruptedException {
    Thread.sleep(300);
  }

  private static double ms(long us) {
    return us / 1000.0;
  }

  /** Restarts of oCIS: each reply minus the old child's stop and the new child's start. */
  private void lifecycle(WrapperUnderTest w) throws Exception {
    Row config = row("PUT /config (0.3 s start)", "ms").target("overhead median", true, OVERHEAD_MS);
    for (int i = 0; i < reps; i++) {
      long old = w.ocisPid();
      settle();
      Timed reply = w.expect(200, "PUT", "/config", new JsonObject().put("BENCH_CONFIG", "v" + i));
      config.add(reply.ms(), reply.ms() - ms(restartUs(w, old, reply)));
    }
    Row rollback = row("DELETE /rollback", "ms").target("overhead median", true, OVERHEAD_MS);
    for (int i = 0; i < reps; i++) {
      w.expect(200, "PUT", "/config", new JsonObject().put("BENCH_ROLLBACK", "v" + i));
      long old = w.ocisPid();
      settle();
      Timed reply = w.expect(200, "DELETE", "/rollback", null);
      rollback.add(reply.ms(), reply.ms() - ms(restartUs(w, old, reply)));
    }
    Row stop = row("POST /stop", "ms").target("overhead median", true, OVERHEAD_MS);
    Row start = row("POST /start", "ms").target("overhead median", true, OVERHEAD_MS);
    List<Double> toSignal = new ArrayList<>();
    List<Double> fromExit = new ArrayList<>();
    List<Double> toExec = new ArrayList<>();
    List<Double> fromReady = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      long old = w.ocisPid();
      settle();
      Timed stopped = w.expect(200, "POST", "/stop", null);
      stop.add(stopped.ms(), stopped.ms() - ms(w.clock.stopUs(old)));
      toSignal.add(ms(w.clock.at(old, "signal") - stopped.sentUs()));
      fromExit.add(ms(stopped.repliedUs() - w.clock.at(old, "exit")));
      settle();
      Timed started = w.expect(200, "POST", "/start", null);
      long pid = w.clock.startedAfter("ocis", started.sentUs());
      start.add(started.ms(), started.ms() - ms(w.clock.startUs(pid)));
      toExec.add(ms(w.clock.of(pid, "start").orElseThrow().getLong("execUs") - started.sentUs()));
      fromReady.add(ms(started.repliedUs() - w.clock.at(pid, "ready")));
    }
    stop.note("medians: request to SIGINT received " + Report.number(Row.percentile(toSignal, 0.5))
        + " ms, child's exit record to reply " + Report.number(Row.percentile(fromExit, 0.5)) + " ms");
    start.note("medians: request to the child's launcher running " + Report.number(Row.percentile(toExec, 0.5))
        + " ms, child ready to reply " + Report.number(Row.percentile(fromReady, 0.5)) + " ms");
  }

  private static long restartUs(WrapperUnderTest w, long old, Timed reply) {
    long fresh = w.clock.startedAfter("ocis", reply.sentUs());
    return w.clock.stopUs(old) + w.clock.startUs(fresh);
  }

  private static JsonObject auditBody(int port) {
    return new JsonObject().put("AUDIT_DEBUG_ADDR", "127.0.0.1:" + port);
  }

  private void services(WrapperUnderTest w) throws Exception {
    int port = WrapperUnderTest.freePort();
    Row post = row("POST /services/{name}", "ms").target("overhead median", true, OVERHEAD_MS);
    Row patch = row("PATCH /services/{name}", "ms").target("overhead median", true, OVERHEAD_MS);
    Row delete = row("DELETE /services/{name}", "ms").target("overhead median", true, OVERHEAD_MS);
    Row rollback = row("DELETE /services/rollback", "ms").target("overhead median", true, OVERHEAD_MS);
    for (int i = 0; i < reps; i++) {
      settle();
      Timed started = w.expect(200, "POST", "/services/audit", auditBody(port));
      long first = w.clock.startedAfter("audit", started.sentUs());
      post.add(started.ms(), started.ms() - ms(w.clock.startUs(first)));
      settle();
      Timed patched = w.expect(200, "PATCH", "/services/audit", new JsonObject().put("AUDIT_BENCH", "v" + i));
      long second = w.clock.startedAfter("audit", patched.sentUs());
      patch.add(patched.ms(), patched.ms() - ms(w.clock.stopUs(first) + w.clock.startUs(second)));
      settle();
      Timed deleted = w.expect(200, "DELETE", "/services/audit", null);
      delete.add(deleted.ms(), deleted.ms() - ms(w.clock.stopUs(second)));
      Timed again = w.expect(200, "POST", "/services/audit", auditBody(port));
      long third = w.clock.startedAfter("audit", again.sentUs());
      settle();
      Timed rolledBack = w.expect(200, "DELETE", "/services/rollback", null);
      rollback.add(rolledBack.ms(), rolledBack.ms() - ms(w.clock.stopUs(third)));
    }
  }

  /** The acceptance suite's env-config scenario, as one figure. */
  private void scenario(WrapperUnderTest w) throws Exception {
    Row config = rows.stream().filter(r -> r.name.startsWith("PUT /config (0.3")).findFirst().orElseThrow();
    double ownRestart = Row.percentile(subtract(config.samples, config.overheads), 0.5);
    Row row = row("env-config scenario (config, service, services rollback, rollback)", "ms")
        .target("median", true, Math.round(4 * ownRestart + 150))
        .note("target = 4 × the child's own restart time (" + Report.number(ownRestart) + " ms, median of PUT /config) + 150 ms");
    int port = WrapperUnderTest.freePort();
    for (int i = 0; i < reps; i++) {
      long oldOcis = w.ocisPid();
      settle();
      Timed config1 = w.expect(200, "PUT", "/config", new JsonObject().put("BENCH_SCENARIO", "v" + i));
      long newOcis = w.clock.startedAfter("ocis", config1.sentUs());
      Timed service = w.expect(200, "POST", "/services/audit", auditBody(port));
      long audit = w.clock.startedAfter("audit", service.sentUs());
      w.expect(200, "DELETE", "/services/rollback", null);
      Timed rollback = w.expect(200, "DELETE", "/rollback", null);
      long lastOcis = w.clock.startedAfter("ocis", rollback.sentUs());
      double total = ms(rollback.repliedUs() - config1.sentUs());
      double own = ms(w.clock.stopUs(oldOcis) + w.clock.startUs(newOcis) + w.clock.startUs(audit)
          + w.clock.stopUs(audit) + w.clock.stopUs(newOcis) + w.clock.startUs(lastOcis));
      row.add(total, total - own);
    }
  }

  private static List<Double> subtract(List<Double> a, List<Double> b) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(a.get(i) - b.get(i));
    }
    return out;
  }

  private void slowStart(WrapperUnderTest w) throws Exception {
    Row row = row("PUT /config (2 s start)", "ms").target("overhead median", true, OVERHEAD_MS);
    for (int i = 0; i < reps; i++) {
      long old = w.ocisPid();
      settle();
      Timed reply = w.expect(200, "PUT", "/config",
          new JsonObject().put("STANDIN_START_DELAY", "1800ms").put("BENCH_SLOW", "v" + i));
      row.add(reply.ms(), reply.ms() - ms(restartUs(w, old, reply)));
    }
    w.expect(200, "DELETE", "/rollback", null);
  }

  /** {@code POST /command} against running the same stand-in command directly. */
  private void command(WrapperUnderTest w) throws Exception {
    List<Double> direct = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      long before = System.nanoTime();
      Process p = new ProcessBuilder(settings.standin.toString(), "args", "bench").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(30, TimeUnit.SECONDS);
      direct.add((System.nanoTime() - before) / 1e6);
    }
    double directMedian = Row.percentile(direct, 0.5);
    Row row = row("POST /command", "ms").target("overhead median", true, OVERHEAD_MS)
        .note("overhead = reply minus the median of running `ocis-standin args bench` directly ("
            + Report.number(directMedian) + " ms)");
    // One unmeasured run first: the first pseudo-terminal of a JVM loads pty4j's native part.
    w.expect(200, "POST", "/command", new JsonObject().put("command", "args bench"));
    for (int i = 0; i < reps; i++) {
      Timed reply = w.expect(200, "POST", "/command", new JsonObject().put("command", "args bench"));
      if (reply.body().getInteger("exitCode", -1) != 0) {
        throw new IllegalStateException("command failed: " + reply.body().encode());
      }
      row.add(reply.ms(), reply.ms() - directMedian);
    }
  }

  /**
   * Floods to a bridge client on ocis.log.batch: as fast as the stand-in can print (throughput,
   * and what the wrapper had to drop, reported), then paced at the target rate (line latency).
   */
  private void logs(Vertx vertx, WrapperUnderTest w) throws Exception {
    long lines = quick ? 20_000 : 100_000;
    Row rate = row("log throughput to a bridge client, unpaced flood of " + lines, "lines/s").target("median", false, 100_000);
    Row reported = row("log lines dropped and reported, unpaced flood", "lines");
    Row latency = row("log line latency p99, " + lines + " lines at 100k lines/s", "ms").target("median", true, 50);
    Row pacedDropped = row("log lines dropped and reported, 100k lines/s", "lines");
    Row loss = row("log lines lost silently (all floods)", "lines").target("max", true, 0);
    List<Double> all = new ArrayList<>();
    try (LogFollower follower = new LogFollower(vertx, w.apiPort)) {
      for (int i = 0; i < (quick ? 1 : 3); i++) {
        flood(w, follower, lines, 0, "v" + i);
        rate.add(follower.received() * 1e6 / Math.max(1, follower.lastArrivalUs() - floodStartUs));
        reported.add(follower.dropped());
        loss.add(lines - follower.received() - follower.dropped() + follower.silentGaps());
        flood(w, follower, lines, 100_000, "p" + i);
        latency.add(Row.percentile(follower.latenciesMs(), 0.99));
        all.addAll(follower.latenciesMs());
        pacedDropped.add(follower.dropped());
        loss.add(lines - follower.received() - follower.dropped() + follower.silentGaps());
      }
    }
    latency.note("one sample per flood (its p99); over all paced lines p50 " + Report.number(Row.percentile(all, 0.5))
        + " ms, p99 " + Report.number(Row.percentile(all, 0.99)) + " ms, max " + Report.number(Row.percentile(all, 1.0)) + " ms");
    rate.note("lines delivered per second from the stand-in's flood-start to the last arrival; the stand-in alone prints 150-250k lines/s");
    w.expect(200, "DELETE", "/rollback", null);
  }

  private long floodStartUs;

  private void flood(WrapperUnderTest w, LogFollower follower, long lines, long rate, String tag) throws Exception {
    follower.reset();
    JsonObject body = new JsonObject().put("STANDIN_FLOOD_LINES", Long.toString(lines))
        .put("STANDIN_FLOOD_STAMP", "true").put("STANDIN_FLOOD_RATE", Long.toString(rate)).put("BENCH_FLOOD", tag);
    Timed reply = w.expect(200, "PUT", "/config", body);
    long pid = w.clock.startedAfter("ocis", reply.sentUs());
    follower.awaitLine(lines, 10);
    floodStartUs = w.clock.at(pid, "flood-start");
  }

  private void throughput(Vertx vertx, WrapperUnderTest w) throws Exception {
    long warmUp = quick ? 500 : 2000;
    long window = quick ? 1000 : 5000;
    boolean wrk = HttpLoad.wrkAvailable();
    for (String path : List.of("/healthz", "/status")) {
      Row row = row("GET " + path + ", 32 connections", "req/s")
          .note(wrk ? "wrk -t2 -c32 (Debian's wrk), after a warm-up run" : "Java load client (wrk not installed; it costs the server CPU)");
      if (path.equals("/healthz")) {
        row.target("median", false, 20_000);
      }
      HttpLoad.run(vertx, w.apiPort, path, 32, 0, warmUp);
      for (int i = 0; i < (quick ? 1 : 3); i++) {
        HttpLoad.Result result = wrk ? HttpLoad.wrk(w.apiPort, path, 32, window)
            : HttpLoad.run(vertx, w.apiPort, path, 32, 0, window);
        if (result.errors() > 0) {
          throw new IllegalStateException("GET " + path + ": " + result.errors() + " errors under load");
        }
        row.add(result.perSecond());
      }
    }
  }

  /** {@code java -jar … serve --skip-ocis-run} spawned to {@code /healthz} answering 200. */
  private void startToListening() throws Exception {
    Row row = row("wrapper start to API listening", "ms").target("median", true, 1000);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    for (int i = 0; i < reps; i++) {
      int port = WrapperUnderTest.freePort();
      List<String> command = settings.java();
      command.addAll(List.of("-jar", settings.jar.toString(), "serve", "--skip-ocis-run",
          "--port", Integer.toString(port), "--host", "127.0.0.1"));
      long before = System.nanoTime();
      Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try {
        HttpRequest healthz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build();
        while (true) {
          try {
            if (http.send(healthz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
              break;
            }
          } catch (IOException e) {
            if (System.nanoTime() - before > TimeUnit.SECONDS.toNanos(30)) {
              throw new IllegalStateException("wrapper not listening after 30 s");
            }
            Thread.sleep(2);
          }
        }
        row.add((System.nanoTime() - before) / 1e6);
      } finally {
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
