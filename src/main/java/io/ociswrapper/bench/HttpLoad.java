package io.ociswrapper.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A closed-loop load client: {@code connections} keep-alive connections, each sending the next
 * GET as soon as the previous reply is in. Requests per second over the measured window.
 */
final class HttpLoad {

  private HttpLoad() {
  }

  record Result(double perSecond, long requests, long errors) {
  }

  /** wrk (Debian's package) when it is installed: a C client leaves the 2 cores to the server. */
  static boolean wrkAvailable() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(10, TimeUnit.SECONDS);
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code wrk -t2 -cN -dS}: requests/s; non-2xx replies and socket errors count as errors. */
  static Result wrk(int port, String path, int connections, long measureMs) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + Math.max(1, measureMs / 1000) + "s",
        "http://127.0.0.1:" + port + path).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(measureMs + 30_000, TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed: " + output);
    }
    double perSecond = number(output, "Requests/sec:\\s+([0-9.]+)");
    double requests = number(output, "([0-9]+) requests in");
    double non2xx = number(output, "Non-2xx or 3xx responses:\\s+([0-9]+)");
    Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(output);
    long socketErrors = 0;
    if (socket.find()) {
      for (int g = 1; g <= 4; g++) {
        socketErrors += Long.parseLong(socket.group(g));
      }
    }
    return new Result(perSecond, (long) requests, (long) non2xx + socketErrors);
  }

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  static Result run(Vertx vertx, int port, String path, int connections, long warmUpMs, long measureMs)
      throws InterruptedException {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setDefaultHost("127.0.0.1").setDefaultPort(port), new PoolOptions().setHttp1MaxSize(connections));
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmUpMs);
    long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMs);
    AtomicLong counted = new AtomicLong();
    CountDownLatch done = new CountDownLatch(connections);
    for (int i = 0; i < connections; i++) {
      loop(client, path, end, measureFrom, ok, counted, errors, done);
    }
    done.await(warmUpMs + measureMs + 30_000, TimeUnit.MILLISECONDS);
    client.close();
    return new Result(counted.get() * 1000.0 / measureMs, ok.get(), errors.get());
  }

  private static void loop(HttpClient client, String path, long end, long measureFrom, AtomicLong ok,
      AtomicLong counted, AtomicLong errors, CountDownLatch done) {
    if (System.nanoTime() >= end) {
      done.countDown();
      return;
    }
    Future<Integer> reply = client.request(HttpMethod.GET, path)
        .compose(request -> request.send().compose(response -> response.body().map(b -> response.statusCode())));
    reply.onComplete(result -> {
      if (result.succeeded() && result.result() == 200) {
        ok.incrementAndGet();
        long now = System.nanoTime();
        if (now >= measureFrom && now < end) {
          counted.incrementAndGet();
        }
      } else {
        errors.incrementAndGet();
      }
      loop(client, path, end, measureFrom, ok, counted, errors, done);
    });
  }
}
