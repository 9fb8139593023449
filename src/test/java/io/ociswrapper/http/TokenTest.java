package io.ociswrapper.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Harness.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code --token} (SPEC B): Bearer token on everything but {@code /healthz} and the static page. */
@ExtendWith(VertxExtension.class)
class TokenTest {

  private static final String TOKEN = "s3cr3t-t0ken";

  private Vertx vertx;
  private Harness wrapper;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    wrapper = Harness.start(vertx, s -> s.token = TOKEN);
  }

  @AfterEach
  void stop() {
    wrapper.close();
  }

  private Reply withAuth(HttpMethod method, String path, String authorization) {
    return wrapper.call(wrapper.request(method, path).putHeader("Authorization", authorization), null);
  }

  @Test
  void requestsWithoutTheTokenAre401AndChangeNothing() {
    Reply start = wrapper.call(HttpMethod.POST, "/start");
    Reply status = wrapper.call(HttpMethod.GET, "/status");
    Reply wrong = withAuth(HttpMethod.POST, "/start", "Bearer nope");
    Reply basic = withAuth(HttpMethod.POST, "/start", "Basic " + TOKEN);

    for (Reply reply : new Reply[] {start, status, wrong, basic}) {
      assertThat(reply.code()).isEqualTo(401);
      assertThat(reply.status()).isEqualTo("ERROR");
      assertThat(reply.body()).doesNotContain(TOKEN);
    }
    assertThat(start.headers().get("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(wrapper.standin.starts()).isEmpty();
  }

  @Test
  void theRightTokenIsAccepted() {
    assertThat(withAuth(HttpMethod.POST, "/start", "Bearer " + TOKEN).code()).isEqualTo(200);
    assertThat(withAuth(HttpMethod.GET, "/status", "bearer " + TOKEN).code()).isEqualTo(200);
  }

  @Test
  void healthzAndTheStaticPageNeedNoToken() {
    assertThat(wrapper.call(HttpMethod.GET, "/healthz").code()).isEqualTo(200);
    assertThat(wrapper.call(HttpMethod.GET, "/").code()).isEqualTo(200);
    assertThat(wrapper.call(HttpMethod.GET, "/ui/app.js").code()).isEqualTo(200);
  }

  @Test
  void theBridgeWantsTheTokenAsHeaderOrQuery() {
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      assertThat(client.connect(wrapper.port(), "127.0.0.1", "/eventbus/websocket")
          .toCompletionStage().toCompletableFuture().handle((ws, e) -> e != null).join()).isTrue();
      assertThat(Harness.await(client.connect(wrapper.port(), "127.0.0.1",
          "/eventbus/websocket?access_token=" + TOKEN), 10)).isNotNull();
      assertThat(wrapper.call(HttpMethod.GET, "/logs?access_token=" + TOKEN).code()).isEqualTo(401);
    } finally {
      client.close();
    }
  }
}
