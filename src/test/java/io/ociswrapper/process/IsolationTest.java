package io.ociswrapper.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Processes;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Several wrappers on one machine (one per CI slot) never see or signal each other's processes. */
@ExtendWith(VertxExtension.class)
class IsolationTest {

  @Test
  void twoWrappersStopOnlyTheirOwnChildren() {
    try (Harness slotA = Harness.startSeparate(s -> s.env.put("STANDIN_GRANDCHILDREN", "1"));
        Harness slotB = Harness.startSeparate(s -> s.env.put("STANDIN_GRANDCHILDREN", "1"))) {
      assertThat(slotA.call(HttpMethod.POST, "/start").code()).isEqualTo(200);
      assertThat(slotB.call(HttpMethod.POST, "/start").code()).isEqualTo(200);
      assertThat(slotB.call(HttpMethod.POST, "/services/audit", new JsonObject()
          .put("AUDIT_DEBUG_ADDR", "127.0.0.1:" + io.ociswrapper.testing.Ports.free())).code()).isEqualTo(200);

      assertThat(slotA.call(HttpMethod.POST, "/stop").code()).isEqualTo(200);
      assertThat(slotA.call(HttpMethod.DELETE, "/services/rollback").code()).isEqualTo(200);

      assertThat(Processes.living(slotA.standin.allPids())).isEmpty();
      assertThat(Processes.living(slotB.standin.allPids())).containsExactlyInAnyOrderElementsOf(slotB.standin.allPids());
      assertThat(slotB.status().getString("state")).isEqualTo("RUNNING");
      assertThat(slotA.status().getString("state")).isEqualTo("STOPPED");
    }
  }
}
