package io.ociswrapper.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Processes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults at random points (issue 5): while lifecycle requests run, the stand-in oCIS is killed
 * with SIGKILL after a random delay, so the kill lands during a stop, a start, a readiness wait
 * or after the reply. Seeded ({@code -Dociswrapper.fault.seed}) and bounded (one kill per round).
 * Every request still gets its reply, and the state ends consistent: one oCIS, the overrides the
 * replies promised, no stray grandchild, nothing left after the wrapper stops.
 */
@ExtendWith(VertxExtension.class)
class RandomKillTest {

  private static final long SEED = Long.getLong("ociswrapper.fault.seed", 20261204L);
  private static final int ROUNDS = 16;

  private record Round(String request, long killAfterMs, Long killed, int code, JsonObject reply) {
  }

  @Test
  void sigkillAtRandomPointsLeavesEveryReplyAndAConsistentState(Vertx vertx) throws Exception {
    Random random = new Random(SEED);
    try (Harness wrapper = Harness.start(vertx, s -> {
      s.env.put("STANDIN_READY_DELAY", "150ms");
      s.env.put("STANDIN_STOP_DELAY", "150ms");
      s.env.put("STANDIN_GRANDCHILDREN", "1");
      s.retry = 3;
    })) {
      assertThat(wrapper.call(HttpMethod.POST, "/start").code()).isEqualTo(200);
      List<Round> rounds = new ArrayList<>();
      JsonObject promised = new JsonObject();
      for (int i = 0; i < ROUNDS; i++) {
        Round round = round(wrapper, random, i);
        rounds.add(round);
        assertThat(round.code()).as("seed %d, round %s", SEED, round).isIn(200, 409);
        if (round.request().startsWith("PUT")) {
          promised.put("FAULT_" + i, "v" + i);
        } else if (round.request().startsWith("DELETE")) {
          promised = new JsonObject();
        }
        assertNoStrayGrandchild(wrapper);
      }
      rounds.forEach(r -> System.out.printf("fault seed %d: %-16s kill after %3d ms -> %s, reply %d%n",
          SEED, r.request(), r.killAfterMs(), r.killed() == null ? "nothing to kill" : "killed " + r.killed(), r.code()));

      // Settle: one more start-type request without a kill brings oCIS up whatever the last kill did.
      Harness.Reply last = wrapper.call(HttpMethod.PUT, "/config", new JsonObject().put("FAULT_LAST", "yes"));
      assertThat(last.code()).as(last.body()).isEqualTo(200);
      promised.put("FAULT_LAST", "yes");
      JsonObject status = wrapper.status();
      assertThat(status.getString("state")).isEqualTo("RUNNING");
      assertThat(status.getJsonObject("overrides")).isEqualTo(promised);
      assertThat(livingOcis(wrapper)).containsExactly(status.getLong("pid"));
      JsonObject env = wrapper.childEnv();
      promised.forEach(e -> assertThat(env.getString(e.getKey())).isEqualTo(e.getValue()));
      assertNoStrayGrandchild(wrapper);
    }
  }

  /** One request, and one SIGKILL to whichever oCIS lives after a random delay. */
  private static Round round(Harness wrapper, Random random, int i) throws InterruptedException {
    int dice = random.nextInt(4);
    String request;
    Future<HttpResponse<Buffer>> reply;
    if (dice == 0) {
      request = "PUT /config";
      reply = wrapper.request(HttpMethod.PUT, "/config").sendBuffer(Buffer.buffer(new JsonObject().put("FAULT_" + i, "v" + i).encode()));
    } else if (dice == 1) {
      request = "DELETE /rollback";
      reply = wrapper.request(HttpMethod.DELETE, "/rollback").send();
    } else if (dice == 2) {
      request = "POST /stop";
      reply = wrapper.request(HttpMethod.POST, "/stop").send();
    } else {
      request = "POST /start";
      reply = wrapper.request(HttpMethod.POST, "/start").send();
    }
    long killAfter = random.nextInt(600);
    Thread.sleep(killAfter);
    List<Long> living = livingOcis(wrapper);
    Long killed = null;
    if (!living.isEmpty()) {
      killed = living.get(random.nextInt(living.size()));
      long pid = killed;
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    HttpResponse<Buffer> response = Harness.await(reply, 90);
    return new Round(request, killAfter, killed, response.statusCode(), response.bodyAsJsonObject());
  }

  private static List<Long> livingOcis(Harness wrapper) {
    return Processes.living(wrapper.standin.events("start").stream().filter(e -> "ocis".equals(e.getString("role")))
        .map(e -> e.getLong("pid")).collect(Collectors.toList()));
  }

  /** A grandchild may only live while its own oCIS does: a killed leader's group is cleaned up. */
  private static void assertNoStrayGrandchild(Harness wrapper) {
    Set<Long> leaders = Set.copyOf(livingOcis(wrapper));
    Processes.awaitGone(wrapper.standin.events("grandchild").stream()
        .filter(e -> !leaders.contains(e.getLong("pid"))).map(e -> e.getLong("child")).collect(Collectors.toList()));
  }
}
