package io.ociswrapper.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ociswrapper.testing.Ports;
import io.ociswrapper.testing.Processes;
import io.ociswrapper.testing.WrapperProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parallel CI jobs (issue 5): 8 clients mixing lifecycle, command, status and service requests
 * against the fat jar in a process of its own, bounded in time ({@code -Dociswrapper.load.seconds},
 * 15 in CI; {@code scripts/load} runs 60) and loopback only. Passes when every request got a
 * reply within the client timeout, there never were two oCIS processes, the final environment is
 * what replaying the operations in the wrapper's own order gives, the wrapper's RSS grew by at
 * most 50 MiB, and no process is left after its SIGTERM. Prints a table per endpoint.
 */
class LoadIT {

  private static final int CLIENTS = 8;
  private static final long SECONDS = Long.getLong("ociswrapper.load.seconds", 15);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(90);
  private static final long RSS_GROWTH_LIMIT_KIB = 50 * 1024;

  @TempDir
  Path dir;

  /** One request: what was asked, how it went (status code, or -1 and the error's kind). */
  private record Call(String endpoint, int code, String error, long ms, JsonObject body, JsonObject reply) {
  }

  @Test
  void eightClientsMixingRequestsLeaveAConsistentState() throws Exception {
    try (WrapperProcess wrapper = WrapperProcess.start(dir, Map.of(), "--ready-interval", "20ms", "--stop-timeout", "5s")) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
          .until(() -> wrapper.get("/status").contains("\"state\":\"RUNNING\""));
      int auditPort = Ports.free();
      long rssBefore = wrapper.rssKib();
      AtomicLong rssMax = new AtomicLong(rssBefore);
      AtomicInteger maxOcis = new AtomicInteger();
      ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
      long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;

      Thread sampler = new Thread(() -> sample(wrapper, deadline, maxOcis, rssMax), "sampler");
      sampler.start();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        Thread t = new Thread(() -> run(wrapper, client, auditPort, deadline, calls), "client-" + c);
        clients.add(t);
        t.start();
      }
      for (Thread t : clients) {
        t.join();
      }
      sampler.join();
      long rssAfter = wrapper.rssKib();
      List<Call> all = new ArrayList<>(calls);
      JsonObject status = new JsonObject(wrapper.get("/status")).getJsonObject("ocis");
      JsonObject env = status.getString("state").equals("RUNNING") ? new JsonObject(wrapper.get("/standin/env", true)) : null;

      boolean exited = wrapper.terminate(30);
      print(all, maxOcis.get(), rssBefore, Math.max(rssMax.get(), rssAfter));

      assertThat(all).isNotEmpty().allSatisfy(call -> assertThat(call.code()).as(call.toString()).isIn(200, 409, 500));
      assertThat(all.stream().filter(call -> call.code() == 500 && !call.endpoint().contains("/services"))).isEmpty();
      assertThat(maxOcis.get()).isLessThanOrEqualTo(1);
      JsonObject expected = replay(all);
      assertThat(status.getJsonObject("overrides")).isEqualTo(expected);
      if (env != null) {
        expected.forEach(e -> assertThat(env.getString(e.getKey())).isEqualTo(e.getValue()));
      }
      assertThat(Math.max(rssMax.get(), rssAfter) - rssBefore).as("RSS growth in KiB").isLessThanOrEqualTo(RSS_GROWTH_LIMIT_KIB);
      assertThat(exited).as("wrapper exited after SIGTERM").isTrue();
      Processes.awaitGone(wrapper.standin.allPids());
    }
  }

  /** Every 20 ms: how many oCIS stand-ins live at once, and the wrapper's RSS. */
  private static void sample(WrapperProcess wrapper, long deadline, AtomicInteger maxOcis, AtomicLong rssMax) {
    while (System.nanoTime() < deadline) {
      List<Long> ocis = wrapper.standin.events("start").stream().filter(e -> "ocis".equals(e.getString("role")))
          .map(e -> e.getLong("pid")).collect(Collectors.toList());
      maxOcis.accumulateAndGet(Processes.living(ocis).size(), Math::max);
      rssMax.accumulateAndGet(wrapper.rssKib(), Math::max);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Operations in the order the wrapper ran them ({@code op}): config adds, rollback clears. */
  private static JsonObject replay(List<Call> calls) {
    Map<Long, Call> byOp = new TreeMap<>();
    calls.stream().filter(c -> c.reply() != null && c.reply().containsKey("op")
        && (c.endpoint().equals("PUT /config") || c.endpoint().equals("DELETE /rollback")))
        .forEach(c -> byOp.put(c.reply().getLong("op"), c));
    JsonObject expected = new JsonObject();
    for (Call c : byOp.values()) {
      if (c.endpoint().equals("DELETE /rollback")) {
        expected = new JsonObject();
      } else {
        // The test's keys are not secret-looking, so /status shows their values unmasked.
        expected.mergeIn(c.body());
      }
    }
    return expected;
  }

  private static void run(WrapperProcess wrapper, int client, int auditPort, long deadline, ConcurrentLinkedQueue<Call> calls) {
    Random random = new Random(42 + client);
    int counter = 0;
    while (System.nanoTime() < deadline) {
      int dice = random.nextInt(100);
      if (dice < 35) {
        calls.add(call(wrapper, "PUT", "/config", "PUT /config", new JsonObject().put("LOAD_" + client, "v" + (++counter))));
      } else if (dice < 45) {
        calls.add(call(wrapper, "DELETE", "/rollback", "DELETE /rollback", null));
      } else if (dice < 60) {
        calls.add(call(wrapper, "POST", "/command", "POST /command", new JsonObject().put("command", "env LOAD_" + client)));
      } else if (dice < 85) {
        calls.add(call(wrapper, "GET", "/status", "GET /status", null));
      } else if (dice < 93) {
        calls.add(call(wrapper, "POST", "/services/audit", "POST /services/x",
            new JsonObject().put("AUDIT_DEBUG_ADDR", "127.0.0.1:" + auditPort)));
      } else {
        calls.add(call(wrapper, "DELETE", "/services/audit", "DELETE /services/x", null));
      }
    }
  }

  private static Call call(WrapperProcess wrapper, String method, String path, String endpoint, JsonObject body) {
    long before = System.nanoTime();
    try {
      HttpResponse<String> response = wrapper.send(method, path, body == null ? null : body.encode(), CLIENT_TIMEOUT);
      long ms = (System.nanoTime() - before) / 1_000_000;
      JsonObject reply = new JsonObject(response.body());
      String error = response.statusCode() == 200 ? null : response.statusCode() + " " + reply.getString("message");
      return new Call(endpoint, response.statusCode(), error, ms, body, reply);
    } catch (HttpTimeoutException e) {
      return new Call(endpoint, -1, "client timeout", (System.nanoTime() - before) / 1_000_000, body, null);
    } catch (IOException e) {
      return new Call(endpoint, -1, "io: " + e, (System.nanoTime() - before) / 1_000_000, body, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Call(endpoint, -1, "interrupted", 0, body, null);
    }
  }

  private static void print(List<Call> calls, int maxOcis, long rssBefore, long rssMax) {
    Map<String, List<Call>> byEndpoint = new TreeMap<>(calls.stream().collect(Collectors.groupingBy(Call::endpoint)));
    StringBuilder table = new StringBuilder(String.format("%nload: %d clients, %d s, wrapper in its own process%n"
        + "| endpoint | count | p50 ms | p99 ms | errors by kind |%n|---|---|---|---|---|%n", CLIENTS, SECONDS));
    byEndpoint.forEach((endpoint, list) -> {
      List<Long> ms = list.stream().map(Call::ms).sorted().collect(Collectors.toList());
      Map<String, Long> errors = new TreeMap<>(list.stream().filter(c -> c.error() != null)
          .collect(Collectors.groupingBy(Call::error, Collectors.counting())));
      table.append(String.format("| %s | %d | %d | %d | %s |%n", endpoint, list.size(), ms.get(ms.size() / 2),
          ms.get(Math.min(ms.size() - 1, ms.size() * 99 / 100)), errors.isEmpty() ? "none" : errors));
    });
    table.append(String.format("max oCIS processes at once: %d; wrapper RSS %d MiB at start, max %d MiB (+%d MiB, limit +50)%n",
        maxOcis, rssBefore / 1024, rssMax / 1024, (rssMax - rssBefore) / 1024));
    System.out.print(table);
  }
}
