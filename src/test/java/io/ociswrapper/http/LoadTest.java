package io.ociswrapper.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Ports;
import io.ociswrapper.testing.Processes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Parallel CI jobs: 8 clients mixing lifecycle, command, status and service requests, bounded in
 * time ({@code -Dociswrapper.load.seconds}, 15 by default; {@code scripts/load} runs 60) and
 * loopback only. Passes when every request got a reply, there never were two oCIS processes,
 * the final overrides are what replaying the operations in the wrapper's own order gives, and no
 * process is left. Prints a table per endpoint.
 */
@ExtendWith(VertxExtension.class)
class LoadTest {

  private static final int CLIENTS = 8;
  private static final long SECONDS = Long.getLong("ociswrapper.load.seconds", 15);

  /** One reply: what was asked, how it went, and where it stood in the wrapper's order. */
  private record Call(String endpoint, int code, long ms, JsonObject body, JsonObject reply) {
  }

  @Test
  void eightClientsMixingRequestsLeaveAConsistentState(Vertx vertx) throws Exception {
    try (Harness wrapper = Harness.start(vertx, s -> s.captureLines = false)) {
      int auditPort = Ports.free();
      ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
      AtomicInteger maxOcis = new AtomicInteger();
      long rssBefore = rssKib();
      long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
      Thread sampler = new Thread(() -> {
        while (System.nanoTime() < deadline) {
          List<Long> ocis = wrapper.standin.events("start").stream().filter(e -> "ocis".equals(e.getString("role")))
              .map(e -> e.getLong("pid")).collect(Collectors.toList());
          maxOcis.accumulateAndGet(Processes.living(ocis).size(), Math::max);
          sleep(20);
        }
      });
      sampler.start();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        Thread t = new Thread(() -> run(wrapper, client, auditPort, deadline, calls));
        clients.add(t);
        t.start();
      }
      for (Thread t : clients) {
        t.join();
      }
      sampler.join();

      List<Call> all = new ArrayList<>(calls);
      print(all, maxOcis.get(), rssBefore);
      assertThat(all).isNotEmpty().allSatisfy(call -> assertThat(call.code()).as(call.toString()).isIn(200, 409, 500));
      assertThat(all.stream().filter(call -> call.code() == 500 && !call.endpoint().contains("/services"))).isEmpty();
      assertThat(maxOcis.get()).isLessThanOrEqualTo(1);
      assertThat(wrapper.status().getJsonObject("overrides")).isEqualTo(replay(all));
      if (wrapper.status().getString("state").equals("RUNNING")) {
        JsonObject env = wrapper.childEnv();
        replay(all).forEach(e -> assertThat(env.getString(e.getKey())).isEqualTo(e.getValue()));
      }
      // In-process, RSS also holds the test's clients and heap growth: a leak check only. The
      // 50 MiB target of issue 5 is for a wrapper process of its own.
      assertThat(rssKib() - rssBefore).as("RSS growth in KiB").isLessThan(256 * 1024);
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

  private static void run(Harness wrapper, int client, int auditPort, long deadline, ConcurrentLinkedQueue<Call> calls) {
    Random random = new Random(42 + client);
    int counter = 0;
    while (System.nanoTime() < deadline) {
      int dice = random.nextInt(100);
      if (dice < 35) {
        JsonObject body = new JsonObject().put("LOAD_" + client, "v" + (++counter));
        calls.add(call(wrapper, HttpMethod.PUT, "/config", "PUT /config", body));
      } else if (dice < 45) {
        calls.add(call(wrapper, HttpMethod.DELETE, "/rollback", "DELETE /rollback", null));
      } else if (dice < 60) {
        calls.add(call(wrapper, HttpMethod.POST, "/command", "POST /command",
            new JsonObject().put("command", "env LOAD_" + client)));
      } else if (dice < 85) {
        calls.add(call(wrapper, HttpMethod.GET, "/status", "GET /status", null));
      } else if (dice < 93) {
        calls.add(call(wrapper, HttpMethod.POST, "/services/audit", "POST /services/x",
            new JsonObject().put("AUDIT_DEBUG_ADDR", "127.0.0.1:" + auditPort)));
      } else {
        calls.add(call(wrapper, HttpMethod.DELETE, "/services/audit", "DELETE /services/x", null));
      }
    }
  }

  private static Call call(Harness wrapper, HttpMethod method, String path, String endpoint, JsonObject body) {
    long before = System.nanoTime();
    Future<HttpResponse<Buffer>> sent = body == null ? wrapper.request(method, path).send()
        : wrapper.request(method, path).sendBuffer(Buffer.buffer(body.encode()));
    HttpResponse<Buffer> response = Harness.await(sent, 90);
    long ms = (System.nanoTime() - before) / 1_000_000;
    return new Call(endpoint, response.statusCode(), ms, body, response.bodyAsJsonObject());
  }

  private static void print(List<Call> calls, int maxOcis, long rssBefore) {
    Map<String, List<Call>> byEndpoint = new TreeMap<>(calls.stream().collect(Collectors.groupingBy(Call::endpoint)));
    StringBuilder table = new StringBuilder(String.format("%nload: %d clients, %d s%n%-20s %6s %7s %7s  %s%n",
        CLIENTS, SECONDS, "endpoint", "count", "p50 ms", "p99 ms", "replies by status"));
    byEndpoint.forEach((endpoint, list) -> {
      List<Long> ms = list.stream().map(Call::ms).sorted().collect(Collectors.toList());
      Map<Integer, Long> codes = new TreeMap<>(list.stream().collect(Collectors.groupingBy(Call::code, Collectors.counting())));
      table.append(String.format("%-20s %6d %7d %7d  %s%n", endpoint, list.size(), ms.get(ms.size() / 2),
          ms.get(Math.min(ms.size() - 1, ms.size() * 99 / 100)), codes));
    });
    table.append(String.format("max oCIS processes at once: %d; RSS %d MiB -> %d MiB%n", maxOcis,
        rssBefore / 1024, rssKib() / 1024));
    System.out.print(table);
  }

  private static long rssKib() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
          .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
