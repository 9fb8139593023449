package io.ociswrapper.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.ociswrapper.config.Durations;
import io.ociswrapper.process.DebugPorts;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * {@code ocis server} and {@code ocis <service> server}: an HTTP server with the readiness
 * URLs the wrapper probes, plus the fault modes below, all chosen by environment variables
 * (so a test can switch them through {@code PUT /config}).
 *
 * <ul>
 *   <li>{@code STANDIN_START_DELAY}: time before the server listens;
 *   {@code STANDIN_READY_DELAY}: listening but answering 503 for that long;
 *   {@code STANDIN_NEVER_READY=true}: 503 forever.</li>
 *   <li>{@code STANDIN_CRASH_AFTER} (+ {@code STANDIN_CRASH_CODE}, default 1): exit with that code
 *   this long after start; with {@code STANDIN_CRASH_COUNTER} (a file) and
 *   {@code STANDIN_CRASH_TIMES=N}, only the first N starts crash.</li>
 *   <li>{@code STANDIN_IGNORE_SIGINT=true}; {@code STANDIN_STOP_DELAY}: time to shut down.</li>
 *   <li>{@code STANDIN_GRANDCHILDREN=N}: N extra processes, the last one double-forked.</li>
 *   <li>{@code STANDIN_FLOOD_LINES=N} (at {@code STANDIN_FLOOD_RATE} lines/s; default as fast as it can;
 *       {@code STANDIN_FLOOD_STAMP=true} adds {@code us=<epoch µs>} of each 100-line block),
 *   {@code STANDIN_LONG_LINE_BYTES=N},
 *   {@code STANDIN_LOG_EVERY}: output once ready.</li>
 * </ul>
 */
final class ServerMode {

  private final Map<String, String> env;
  private final Events events;
  private final String role;
  private final PrintStream out = System.out;
  private final AtomicLong readyAtMillis = new AtomicLong(Long.MAX_VALUE);
  private volatile boolean readyRecorded;
  private final AtomicLong probes = new AtomicLong();
  private final AtomicReference<String> lastRequestId = new AtomicReference<>("");
  private volatile HttpServer server;

  ServerMode(Map<String, String> env, Events events, String role) {
    this.env = env;
    this.events = events.as(role);
    this.role = role;
  }

  int run() throws Exception {
    // The launcher script stamps its own start (bash's $EPOCHREALTIME): the JVM's boot belongs to
    // the child's own time, not to the wrapper's.
    String exec = env.getOrDefault("STANDIN_EXEC_US", "");
    events.record("start", exec.matches("\\d+") ? ",\"execUs\":" + exec : "");
    installSignals();
    scheduleCrash();
    spawnGrandchildren();
    log("info", "starting " + role + " (stand-in)");
    System.err.println("{\"level\":\"warn\",\"service\":\"" + role + "\",\"message\":\"this is a stand-in, not oCIS\"}");
    sleep(duration("STANDIN_START_DELAY", Duration.ZERO));

    server = bind();
    server.start();
    events.record("listening");
    warmUp(server.getAddress().getPort());
    log("info", "listening on " + server.getAddress());
    if (!flag("STANDIN_NEVER_READY")) {
      readyAtMillis.set(System.currentTimeMillis() + duration("STANDIN_READY_DELAY", Duration.ZERO).toMillis());
    }
    awaitReadyThenWrite();
    new CountDownLatch(1).await();
    return 0;
  }

  /**
   * One request to itself before readiness counts: a cold JVM needs ~60 ms for its first
   * exchange, which would otherwise be billed to the wrapper by the benchmark.
   */
  private void warmUp(int port) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      if (server instanceof HttpsServer) {
        return;
      }
      socket.getOutputStream().write("GET /standin/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      socket.getInputStream().readAllBytes();
    } catch (IOException e) {
      log("warn", "warm-up request failed: " + e.getMessage());
    }
  }

  private HttpServer bind() throws Exception {
    boolean main = role.equals("ocis");
    InetSocketAddress address = main ? mainAddress() : debugAddress();
    HttpServer server;
    if (main && tls()) {
      HttpsServer https = HttpsServer.create(address, 64);
      https.setHttpsConfigurator(new HttpsConfigurator(Tls.context()));
      server = https;
    } else {
      server = HttpServer.create(address, 64);
    }
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "standin-http");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    return server;
  }

  private InetSocketAddress mainAddress() {
    String addr = env.get("PROXY_HTTP_ADDR");
    if (addr != null && !addr.isBlank()) {
      return parseAddr(addr);
    }
    URI url = URI.create(env.getOrDefault("OCIS_URL", "https://localhost:9200"));
    return new InetSocketAddress("0.0.0.0", url.getPort() > 0 ? url.getPort() : 9200);
  }

  private InetSocketAddress debugAddress() {
    String addr = env.get(DebugPorts.variable(role));
    if (addr != null && !addr.isBlank()) {
      return parseAddr(addr);
    }
    int port = DebugPorts.of(role).orElseThrow(() ->
        new IllegalArgumentException("unknown service " + role + " and no " + DebugPorts.variable(role)));
    return new InetSocketAddress("0.0.0.0", port);
  }

  private static InetSocketAddress parseAddr(String addr) {
    int colon = addr.lastIndexOf(':');
    String host = addr.substring(0, colon);
    return new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, Integer.parseInt(addr.substring(colon + 1)));
  }

  private boolean tls() {
    String proxyTls = env.get("PROXY_TLS");
    if (proxyTls != null && !proxyTls.isBlank()) {
      return Boolean.parseBoolean(proxyTls);
    }
    return env.getOrDefault("OCIS_URL", "https://localhost:9200").startsWith("https:");
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    switch (path) {
      case "/ocs/v1.php/cloud/capabilities" -> {
        probed(exchange);
        if (ready()) {
          reply(exchange, 200, "{\"ocs\":{\"meta\":{\"status\":\"ok\"},\"data\":{\"capabilities\":{}}}}");
        } else {
          reply(exchange, 503, "{\"error\":\"not ready\"}");
        }
      }
      case "/healthz", "/readyz" -> {
        probed(exchange);
        reply(exchange, ready() ? 200 : 503, ready() ? "{\"status\":\"ok\"}" : "{\"status\":\"not ready\"}");
      }
      case "/graph/v1.0/me/drives" -> {
        probed(exchange);
        if (!authorized(exchange)) {
          reply(exchange, 401, "{\"error\":{\"code\":\"unauthenticated\"}}");
        } else if (ready()) {
          reply(exchange, 200, "{\"value\":[]}");
        } else {
          reply(exchange, 503, "{\"error\":\"not ready\"}");
        }
      }
      case "/standin/env" -> reply(exchange, 200, Json.object(new LinkedHashMap<>(env)));
      case "/standin/info" -> reply(exchange, 200, info());
      default -> reply(exchange, 404, "{\"error\":\"not found\"}");
    }
  }

  private void probed(HttpExchange exchange) {
    probes.incrementAndGet();
    String id = exchange.getRequestHeaders().getFirst("X-Request-ID");
    lastRequestId.set(id == null ? "" : id);
  }

  private boolean authorized(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String user = env.getOrDefault("STANDIN_ADMIN_USER", "admin");
    String password = env.getOrDefault("IDM_ADMIN_PASSWORD", "admin");
    String expected = "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return expected.equals(header);
  }

  private String info() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("pid", ProcessHandle.current().pid());
    info.put("role", role);
    info.put("ready", ready());
    info.put("probes", probes.get());
    info.put("lastRequestId", lastRequestId.get());
    return Json.object(info);
  }

  /**
   * Ready once the "ready" event is on record, not merely once its time has come: a probe must
   * never get its 200 before the moment the benchmark bills the child for is written down.
   */
  private boolean ready() {
    return readyRecorded;
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(bytes);
    }
  }

  /** Records the moment readiness turns true, then produces the configured output. */
  private void awaitReadyThenWrite() {
    if (readyAtMillis.get() == Long.MAX_VALUE) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        long wait = readyAtMillis.get() - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
        events.record("ready");
        readyRecorded = true;
        log("info", role + " is ready");
        writeOutput();
      } catch (InterruptedException | IOException e) {
        Thread.currentThread().interrupt();
      }
    }, "standin-output");
    t.setDaemon(true);
    t.start();
  }

  private void writeOutput() throws IOException, InterruptedException {
    PrintStream target = "stderr".equals(env.get("STANDIN_FLOOD_STREAM")) ? System.err : out;
    long longLine = number("STANDIN_LONG_LINE_BYTES", 0);
    if (longLine > 0) {
      BufferedOutputStream buffered = new BufferedOutputStream(target, 1 << 16);
      for (long i = 0; i < longLine; i++) {
        buffered.write('x');
      }
      buffered.write("END\n".getBytes(StandardCharsets.US_ASCII));
      buffered.flush();
      log("info", "long line written");
    }
    long flood = number("STANDIN_FLOOD_LINES", 0);
    if (flood > 0) {
      events.record("flood-start", ",\"lines\":" + flood);
      BufferedOutputStream buffered = new BufferedOutputStream(target, 1 << 16);
      long rate = number("STANDIN_FLOOD_RATE", 0);
      long begun = System.nanoTime();
      boolean stamp = flag("STANDIN_FLOOD_STAMP");
      long step = stamp ? 100 : 1000;
      long stampUs = Events.nowMicros();
      for (long i = 1; i <= flood; i++) {
        // Stamped lines carry the time their block was written: the benchmark's line latency.
        buffered.write((stamp ? "flood " + i + " us=" + stampUs + "\n" : "flood " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        if ((rate > 0 || stamp) && i % step == 0) {
          // Paced in blocks: STANDIN_FLOOD_RATE lines per second on average.
          buffered.flush();
          long wait = rate > 0 ? begun + i * 1_000_000_000L / rate - System.nanoTime() : 0;
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          stampUs = Events.nowMicros();
        }
      }
      buffered.flush();
      events.record("flood-end", ",\"lines\":" + flood);
    }
    Duration every = duration("STANDIN_LOG_EVERY", Duration.ZERO);
    for (long n = 1; !every.isZero(); n++) {
      Thread.sleep(every.toMillis());
      log("info", "heartbeat " + n);
    }
  }

  private void installSignals() {
    if (flag("STANDIN_IGNORE_SIGINT")) {
      Signal.handle(new Signal("INT"), signal -> log("warn", "ignoring SIGINT"));
    } else {
      Signal.handle(new Signal("INT"), signal -> shutdown("SIGINT"));
    }
    Signal.handle(new Signal("TERM"), signal -> shutdown("SIGTERM"));
  }

  private void shutdown(String signal) {
    events.record("signal", ",\"signal\":\"" + signal + "\"");
    log("info", "received " + signal + ", shutting down");
    sleep(duration("STANDIN_STOP_DELAY", Duration.ZERO));
    exit(0, ",\"signal\":\"" + signal + "\"");
  }

  /** Closes the listener first: a JVM halted with an open HttpServer lingers for ~300 ms. */
  private void exit(int code, String extra) {
    HttpServer listening = server;
    if (listening != null) {
      listening.stop(0);
    }
    events.record("exit", ",\"code\":" + code + extra);
    out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }

  private void scheduleCrash() throws IOException {
    String after = env.get("STANDIN_CRASH_AFTER");
    if (after == null || after.isBlank() || !crashThisTime()) {
      return;
    }
    int code = (int) number("STANDIN_CRASH_CODE", 1);
    Duration delay = Durations.parse(after);
    Thread t = new Thread(() -> {
      sleep(delay);
      System.err.println("panic: stand-in crash (exit code " + code + ")");
      exit(code, ",\"crash\":true");
    }, "standin-crash");
    t.setDaemon(true);
    t.start();
  }

  /** With a counter file, only the first {@code STANDIN_CRASH_TIMES} starts crash. */
  private boolean crashThisTime() throws IOException {
    String counter = env.get("STANDIN_CRASH_COUNTER");
    if (counter == null || counter.isBlank()) {
      return true;
    }
    Path file = Path.of(counter);
    long count = Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : 0;
    Files.writeString(file, Long.toString(count + 1));
    return count < number("STANDIN_CRASH_TIMES", Long.MAX_VALUE);
  }

  private void spawnGrandchildren() throws IOException {
    long n = number("STANDIN_GRANDCHILDREN", 0);
    for (long i = 0; i < n; i++) {
      if (i == n - 1) {
        // Double fork: the shell exits at once, its sleep is re-parented to init but stays in our group.
        Process sh = new ProcessBuilder("sh", "-c", "sleep 3600 >/dev/null 2>&1 & echo $!").start();
        String pid = new String(sh.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        events.record("grandchild", ",\"child\":" + pid + ",\"detached\":true");
      } else {
        Process p = new ProcessBuilder("sleep", "3600").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        events.record("grandchild", ",\"child\":" + p.pid());
      }
    }
  }

  private void log(String level, String message) {
    out.println("{\"level\":\"" + level + "\",\"service\":\"" + role + "\",\"pid\":"
        + ProcessHandle.current().pid() + ",\"message\":" + Json.string(message) + "}");
  }

  private boolean flag(String name) {
    return Boolean.parseBoolean(env.getOrDefault(name, "false"));
  }

  private long number(String name, long fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : Long.parseLong(v.trim());
  }

  private Duration duration(String name, Duration fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : Durations.parse(v);
  }

  private static void sleep(Duration d) {
    try {
      if (!d.isZero()) {
        Thread.sleep(d.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
