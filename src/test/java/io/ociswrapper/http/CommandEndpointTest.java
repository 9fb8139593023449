package io.ociswrapper.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Harness.Reply;
import io.ociswrapper.testing.Processes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /command}: a real pseudo-terminal, inputs, echo, exit codes, timeouts (SPEC A3). */
@ExtendWith(VertxExtension.class)
class CommandEndpointTest {

  private Harness wrapper;

  @BeforeEach
  void start(Vertx vertx) {
    wrapper = Harness.start(vertx);
  }

  @AfterEach
  void stop() {
    wrapper.close();
  }

  private Reply command(JsonObject body) {
    return wrapper.call(HttpMethod.POST, "/command", body);
  }

  @Test
  void passwordIsReadFromATerminal() {
    Reply reply = command(new JsonObject().put("command", "idm resetpassword -u alice")
        .put("inputs", new JsonArray().add("p@ss w0rd").add("p@ss w0rd")));

    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.status()).as(reply.toString()).isEqualTo("OK");
    assertThat(reply.json().getInteger("exitCode")).isZero();
    String output = reply.message().replace("\r\n", "\n");
    assertThat(output).contains("Enter new password:", "Re-enter new password:",
        "Password for user 'alice' updated (9 characters)");
    assertThat(output).doesNotContain("p@ss w0rd");
  }

  @Test
  void mismatchingPasswordsAreAnErrorWithExitCodeOne() {
    Reply reply = command(new JsonObject().put("command", "idm resetpassword -u alice")
        .put("inputs", new JsonArray().add("one").add("two")));

    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.status()).isEqualTo("ERROR");
    assertThat(reply.json().getInteger("exitCode")).isEqualTo(1);
    assertThat(reply.message()).contains("Passwords do not match");
  }

  @Test
  void echoedInputsAreRemovedButRealOutputIsKept() {
    Reply reply = command(new JsonObject().put("command", "prompt 2")
        .put("inputs", new JsonArray().add("hello").add("hello")));

    String output = reply.message().replace("\r\n", "\n");
    assertThat(output).isEqualTo("Question 1? answer 1 is [hello]\nQuestion 2? answer 2 is [hello]\n");
  }

  @Test
  void outputThatLooksLikeAnInputIsNeverTrimmed() {
    Reply reply = command(new JsonObject().put("command", "args hello").put("inputs", new JsonArray().add("[\"hello\"]")));

    assertThat(reply.message().replace("\r\n", "\n")).isEqualTo("[\"hello\"]\n");
  }

  @Test
  void commandIsSplitLikeAShellWouldButRunWithoutOne() {
    Reply reply = command(new JsonObject().put("command",
        "args trash purge-empty-dirs -p '/var/lib/ocis/my space' --dry-run=false \"a \\\"quoted\\\" word\" $HOME `id` *"));

    Matcher json = Pattern.compile("\\[.*]").matcher(reply.message());
    assertThat(json.find()).as(reply.message()).isTrue();
    assertThat(new JsonArray(json.group()).getList()).containsExactly("trash", "purge-empty-dirs", "-p",
        "/var/lib/ocis/my space", "--dry-run=false", "a \"quoted\" word", "$HOME", "`id`", "*");
  }

  @Test
  void failingCommandIs200WithItsExitCode() {
    Reply reply = command(new JsonObject().put("command", "exit 3 something went wrong"));

    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.status()).isEqualTo("ERROR");
    assertThat(reply.json().getInteger("exitCode")).isEqualTo(3);
    assertThat(reply.message()).contains("something went wrong");
  }

  @Test
  void commandsSeeTheCurrentOverrides() {
    assertThat(wrapper.call(HttpMethod.PUT, "/config", "{\"STORAGE_USERS_DRIVER\":\"posix\"}").code()).isEqualTo(200);

    Reply reply = command(new JsonObject().put("command", "env STORAGE_USERS_DRIVER"));

    assertThat(reply.message()).contains("STORAGE_USERS_DRIVER=posix");
  }

  @Test
  void largeOutputIsReturnedWhole() {
    Reply reply = command(new JsonObject().put("command", "lines 20000"));

    List<String> lines = List.of(reply.message().replace("\r\n", "\n").split("\n"));
    assertThat(lines).hasSize(20000);
    assertThat(lines.get(0)).isEqualTo("line 1");
    assertThat(lines.get(19999)).isEqualTo("line 20000");
  }

  @Test
  void timeoutKillsTheCommandsWholeTree() {
    long before = System.nanoTime();
    Reply reply = command(new JsonObject().put("command", "sleep 30 --grandchild").put("timeout", 1));
    long tookMs = (System.nanoTime() - before) / 1_000_000;

    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.status()).isEqualTo("ERROR");
    assertThat(reply.json().getInteger("exitCode")).isEqualTo(-1);
    assertThat(reply.message()).endsWith("[TimeoutError] Command timed out").contains("sleeping");
    assertThat(tookMs).isBetween(900L, 5_000L);
    Matcher grandchild = Pattern.compile("grandchild (\\d+)").matcher(reply.message());
    assertThat(grandchild.find()).isTrue();
    Processes.awaitGone(List.of(Long.parseLong(grandchild.group(1))));
  }

  @Test
  void defaultTimeoutComesFromTheOption() {
    try (Harness quick = Harness.startSeparate(s -> s.commandTimeout = Duration.ofMillis(600))) {
      Reply reply = quick.call(HttpMethod.POST, "/command", new JsonObject().put("command", "sleep 30"));

      assertThat(reply.json().getInteger("exitCode")).isEqualTo(-1);
      assertThat(reply.json().getLong("durationMs")).isBetween(550L, 4_000L);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"command\":\"\"}", "{\"command\":\"   \"}", "{\"command\":null}",
      "{\"command\":42}", "{\"command\":[\"list\"]}", "{\"inputs\":[\"x\"]}"})
  void missingCommandIs400(String body) {
    Reply reply = wrapper.call(HttpMethod.POST, "/command", body);

    assertThat(reply.code()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.message()).isEqualTo("Command is missing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"command\":\"list\",\"inputs\":\"pw\"}", "{\"command\":\"list\",\"inputs\":[1]}",
      "{\"command\":\"list\",\"inputs\":[\"a\",{\"b\":1}]}", "{\"command\":\"list\",\"inputs\":[null]}"})
  void inputsThatAreNotStringsAre400(String body) {
    Reply reply = wrapper.call(HttpMethod.POST, "/command", body);

    assertThat(reply.code()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.message()).isEqualTo("Invalid input data. Expected string");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "nope", "[\"list\"]", "\"list\""})
  void invalidBodiesAre400(String body) {
    Reply reply = wrapper.call(HttpMethod.POST, "/command", body);

    assertThat(reply.code()).isEqualTo(400);
    assertThat(reply.message()).isEqualTo("Invalid json body");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"command\":\"list\",\"timeout\":\"5\"}", "{\"command\":\"list\",\"timeout\":0}",
      "{\"command\":\"list\",\"timeout\":-1}", "{\"command\":\"list 'unterminated\"}"})
  void badTimeoutsAndQuotesAre400(String body) {
    Reply reply = wrapper.call(HttpMethod.POST, "/command", body);

    assertThat(reply.code()).as(reply.toString()).isEqualTo(400);
  }

  @Test
  void missingBinaryIsAClearErrorAndTheWrapperKeepsRunning() {
    try (Harness broken = Harness.startSeparate(s -> s.bin = Path.of("/nonexistent/ocis"))) {
      Reply command = broken.call(HttpMethod.POST, "/command", new JsonObject().put("command", "list"));
      Reply start = broken.call(HttpMethod.POST, "/start");
      Reply config = broken.call(HttpMethod.PUT, "/config", "{\"A\":\"1\"}");

      assertThat(command.code()).isEqualTo(500);
      assertThat(command.json().getString("reason")).contains("/nonexistent/ocis");
      assertThat(start.code()).isEqualTo(500);
      assertThat(start.json().getString("reason")).contains("/nonexistent/ocis");
      assertThat(config.code()).isEqualTo(500);
      assertThat(broken.call(HttpMethod.GET, "/healthz").code()).isEqualTo(200);
    }
  }
}
