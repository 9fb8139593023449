package io.ociswrapper.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.ociswrapper.testing.Harness;
import io.ociswrapper.testing.Harness.Reply;
import io.ociswrapper.testing.Ports;
import io.ociswrapper.testing.Processes;
import io.ociswrapper.testing.Standin;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes mode (issue 7) against fabric8's API-level test server in CRUD mode: it stores and
 * serves objects like an API server but runs no controllers, so the tests play the Deployment
 * controller themselves (new pod, status updates) to show that the wrapper waits for the rollout.
 */
@ExtendWith(VertxExtension.class)
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesModeTest {

  private static final String NS = "ocis";

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir
  Path dir;

  private Harness wrapper;
  private final List<String> rolloutsSeen = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) throws IOException {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, String.join("\n",
        "apiVersion: v1", "kind: Config",
        "clusters:", "- name: test", "  cluster:", "    server: http://" + server.getHostName() + ":" + server.getPort(),
        "contexts:", "- name: test", "  context:", "    cluster: test", "    user: test", "    namespace: " + NS,
        "current-context: test",
        "users:", "- name: test", "  user:", "    token: test-token", ""));
    wrapper = Harness.start(vertx, s -> {
      s.kubeconfig = kubeconfig;
      s.readyTimeout = Duration.ofSeconds(20);
    });
  }

  @AfterEach
  void stop() {
    wrapper.close();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar fromSecret(String name) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef("jwt", "ocis-secrets", false)
        .endValueFrom().build();
  }

  /** A Deployment as the oCIS chart makes it, rolled out, with its one Ready pod. */
  private void deployment(String name, List<EnvVar> env) {
    Deployment d = new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).withLabels(Map.of("app", name)).endMetadata()
        .withNewSpec().withReplicas(1)
        .withNewSelector().withMatchLabels(Map.of("app", name)).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("app", name)).endMetadata()
        .withNewSpec().addNewContainer().withName(name).withImage("owncloud/ocis").withEnv(env).endContainer().endSpec()
        .endTemplate().endSpec().build();
    client.apps().deployments().inNamespace(NS).resource(d).create();
    pod(name, name + "-0", env, true);
    status(name, 1, 1, 1);
  }

  private void pod(String deployment, String podName, List<EnvVar> env, boolean ready) {
    pod(deployment, podName, env, ready, null);
  }

  private void pod(String deployment, String podName, List<EnvVar> env, boolean ready, String podIp) {
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(podName).withNamespace(NS).withLabels(Map.of("app", deployment)).endMetadata()
        .withNewSpec().addNewContainer().withName(deployment).withImage("owncloud/ocis").withEnv(env).endContainer().endSpec()
        .withNewStatus().withPodIP(podIp)
        .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus()
        .build();
    client.pods().inNamespace(NS).resource(pod).createOr(existing -> existing.update());
  }

  private void status(String name, int replicas, int updated, int available) {
    Deployment d = current(name);
    d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
        .withReplicas(replicas).withUpdatedReplicas(updated).withAvailableReplicas(available).build());
    client.apps().deployments().inNamespace(NS).resource(d).updateStatus();
  }

  private Deployment current(String name) {
    return client.apps().deployments().inNamespace(NS).withName(name).get();
  }

  private List<EnvVar> envOf(String name) {
    return current(name).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
  }

  private Future<HttpResponse<Buffer>> send(HttpMethod method, String path, JsonObject body) {
    return body == null ? wrapper.request(method, path).send()
        : wrapper.request(method, path).sendBuffer(Buffer.buffer(body.encode()));
  }

  /**
   * The controller's part, for one Deployment whose template the wrapper just changed: the old
   * pod goes, a new one starts not Ready with the new env (status: 1 of 1 updated, 0 available),
   * and only after {@code readyAfter} becomes Ready (status: available).
   */
  private void rollOut(String name, List<EnvVar> before, Future<HttpResponse<Buffer>> pending) {
    await().atMost(Duration.ofSeconds(10)).until(() -> !envOf(name).equals(before));
    rolloutsSeen.add(name);
    List<EnvVar> now = envOf(name);
    client.pods().inNamespace(NS).withLabel("app", name).delete();
    pod(name, name + "-" + rolloutsSeen.size(), now, false);
    status(name, 1, 1, 0);
    // The wrapper sees a new pod that is not Ready: it must keep waiting.
    await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> true);
    assertThat(pending.isComplete()).as("replied before the rollout finished").isFalse();
    pod(name, name + "-" + rolloutsSeen.size(), now, true);
    status(name, 1, 1, 1);
  }

  private static Reply reply(Future<HttpResponse<Buffer>> response) {
    HttpResponse<Buffer> r = Harness.await(response, 60);
    return new Reply(r.statusCode(), r.bodyAsString(), r.headers());
  }

  @Test
  void configAddsAndChangesVariablesKeepsTheRestAndWaitsForTheRollout() {
    List<EnvVar> original = List.of(env("OCIS_URL", "https://ocis"), fromSecret("OCIS_JWT_SECRET"), env("LOG_LEVEL", "info"));
    deployment("frontend", original);

    Future<HttpResponse<Buffer>> pending = send(HttpMethod.PUT, "/k8s/config",
        new JsonObject().put("frontend", new JsonObject().put("LOG_LEVEL", "debug").put("FRONTEND_X", 5)));
    rollOut("frontend", original, pending);
    Reply reply = reply(pending);

    assertThat(reply.code()).as(reply.body()).isEqualTo(200);
    assertThat(reply.message()).isEqualTo("oCIS configured successfully");
    assertThat(envOf("frontend")).containsExactly(env("OCIS_URL", "https://ocis"), fromSecret("OCIS_JWT_SECRET"),
        env("LOG_LEVEL", "debug"), env("FRONTEND_X", "5"));
  }

  @Test
  void rollbackRestoresTheExactOriginalListAfterTwoConfigs() {
    List<EnvVar> original = List.of(fromSecret("OCIS_JWT_SECRET"), env("LOG_LEVEL", "info"), env("OCIS_URL", "https://ocis"));
    deployment("proxy", original);
    Future<HttpResponse<Buffer>> first = send(HttpMethod.PUT, "/k8s/config",
        new JsonObject().put("proxy", new JsonObject().put("OCIS_JWT_SECRET", "plain").put("A", "1")));
    rollOut("proxy", original, first);
    assertThat(reply(first).code()).isEqualTo(200);
    List<EnvVar> afterFirst = envOf("proxy");
    Future<HttpResponse<Buffer>> second = send(HttpMethod.PUT, "/k8s/config", new JsonObject().put("proxy", new JsonObject().put("B", "2")));
    rollOut("proxy", afterFirst, second);
    assertThat(reply(second).code()).isEqualTo(200);
    assertThat(envOf("proxy")).extracting(EnvVar::getName).containsExactly("OCIS_JWT_SECRET", "LOG_LEVEL", "OCIS_URL", "A", "B");

    List<EnvVar> changed = envOf("proxy");
    Future<HttpResponse<Buffer>> rollback = send(HttpMethod.DELETE, "/k8s/rollback", null);
    rollOut("proxy", changed, rollback);
    Reply reply = reply(rollback);

    assertThat(reply.code()).as(reply.body()).isEqualTo(200);
    assertThat(reply.message()).isEqualTo("oCIS configured successfully");
    assertThat(envOf("proxy")).isEqualTo(original);
    assertThat(statusDeployments()).isEmpty();
  }

  @Test
  void twoDeploymentsAreChangedOneAtATimeInNameOrder() {
    List<EnvVar> original = List.of(env("LOG_LEVEL", "info"));
    deployment("web", original);
    deployment("auth-basic", original);

    Future<HttpResponse<Buffer>> pending = send(HttpMethod.PUT, "/k8s/config", new JsonObject()
        .put("web", new JsonObject().put("WEB_X", "1")).put("auth-basic", new JsonObject().put("AUTH_X", "2")));
    // auth-basic first: web must not change before auth-basic's rollout is done.
    await().atMost(Duration.ofSeconds(10)).until(() -> !envOf("auth-basic").equals(original));
    assertThat(envOf("web")).isEqualTo(original);
    rollOut("auth-basic", original, pending);
    rollOut("web", original, pending);
    Reply reply = reply(pending);

    assertThat(reply.code()).as(reply.body()).isEqualTo(200);
    assertThat(rolloutsSeen).containsExactly("auth-basic", "web");
    assertThat(envOf("web")).containsExactly(env("LOG_LEVEL", "info"), env("WEB_X", "1"));
    assertThat(envOf("auth-basic")).containsExactly(env("LOG_LEVEL", "info"), env("AUTH_X", "2"));
  }

  @Test
  void aMissingDeploymentIs500NamingItAndChangesNothing() {
    List<EnvVar> original = List.of(env("LOG_LEVEL", "info"));
    deployment("frontend", original);
    String version = current("frontend").getMetadata().getResourceVersion();

    Reply reply = wrapper.call(HttpMethod.PUT, "/k8s/config", new JsonObject()
        .put("frontend", new JsonObject().put("LOG_LEVEL", "debug")).put("graph", new JsonObject().put("X", "1")));

    assertThat(reply.code()).isEqualTo(500);
    assertThat(reply.message()).isEqualTo("Failed to restart oCIS with new configuration");
    assertThat(reply.json().getString("deployment")).isEqualTo("graph");
    assertThat(reply.json().getString("reason")).contains("'graph' not found in namespace 'ocis'");
    assertThat(envOf("frontend")).isEqualTo(original);
    assertThat(current("frontend").getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(statusDeployments()).isEmpty();
  }

  @Test
  void bodiesThatAreNotAnObjectOfObjectsAre400AndTouchNothing() {
    List<EnvVar> original = List.of(env("LOG_LEVEL", "info"));
    deployment("frontend", original);

    for (String body : List.of("", "[]", "{}", "{\"frontend\":\"x\"}", "{\"frontend\":[1]}", "{\"Frontend\":{}}",
        "{\"frontend\":{\"A\":{\"b\":1}}}", "{\"frontend\":{\"BAD-NAME\":\"1\"}}", "not json")) {
      Reply reply = wrapper.call(HttpMethod.PUT, "/k8s/config", body);
      assertThat(reply.code()).as(body).isEqualTo(400);
      assertThat(reply.message()).as(body).startsWith("Invalid json body");
    }
    assertThat(envOf("frontend")).isEqualTo(original);
  }

  @Test
  void statusShowsTheTouchedDeploymentsWithSecretsMasked() {
    deployment("frontend", List.of(env("LOG_LEVEL", "info")));
    Future<HttpResponse<Buffer>> pending = send(HttpMethod.PUT, "/k8s/config",
        new JsonObject().put("frontend", new JsonObject().put("LOG_LEVEL", "debug").put("IDP_SECRET", "hush")));
    rollOut("frontend", List.of(env("LOG_LEVEL", "info")), pending);
    assertThat(reply(pending).code()).isEqualTo(200);

    JsonObject frontend = statusDeployments().getJsonObject("frontend");

    assertThat(frontend.getString("state")).isEqualTo("ROLLED_OUT");
    assertThat(frontend.getJsonObject("overrides")).isEqualTo(new JsonObject().put("LOG_LEVEL", "debug").put("IDP_SECRET", "***"));
    assertThat(frontend.getLong("lastRolloutMs")).isGreaterThanOrEqualTo(600);
  }

  @Test
  void aRolloutThatNeverFinishesIs500AfterTheReadyTimeoutAndCanBeRolledBack(Vertx vertx) {
    wrapper.close();
    wrapper = Harness.start(vertx, s -> {
      s.kubeconfig = dir.resolve("kubeconfig");
      s.readyTimeout = Duration.ofSeconds(2);
    });
    List<EnvVar> original = List.of(env("LOG_LEVEL", "info"));
    deployment("frontend", original);

    // No controller: nobody observes the new generation, the old pod keeps running the old env.
    Reply reply = wrapper.call(HttpMethod.PUT, "/k8s/config", new JsonObject().put("frontend", new JsonObject().put("X", "1")));

    assertThat(reply.code()).isEqualTo(500);
    assertThat(reply.json().getString("deployment")).isEqualTo("frontend");
    assertThat(reply.json().getString("reason")).contains("not finished after 2 s", "has not observed generation");
    assertThat(statusDeployments().getJsonObject("frontend").getString("state")).isEqualTo("FAILED");

    Future<HttpResponse<Buffer>> rollback = send(HttpMethod.DELETE, "/k8s/rollback", null);
    await().atMost(Duration.ofSeconds(10)).until(() -> envOf("frontend").equals(original));
    // The controller observes the change back; the old pod still runs the original env.
    status("frontend", 1, 1, 1);
    assertThat(reply(rollback).code()).isEqualTo(200);
    assertThat(statusDeployments()).isEmpty();
  }

  @Test
  void aReachableDebugEndpointMustBeReadyBeforeTheReply() throws Exception {
    // The service's pod, played by a stand-in "audit server" on this machine: its pod IP is
    // 127.0.0.1, and its /healthz and /readyz answer 503 for 3 s after it starts listening.
    int debugPort = Ports.free();
    Path events = dir.resolve("events.jsonl");
    List<EnvVar> original = List.of(env("AUDIT_DEBUG_ADDR", "127.0.0.1:" + debugPort));
    deployment("audit", original);
    ProcessBuilder builder = new ProcessBuilder(Standin.BIN.toString(), "audit", "server");
    builder.environment().put("AUDIT_DEBUG_ADDR", "127.0.0.1:" + debugPort);
    builder.environment().put("STANDIN_READY_DELAY", "3s");
    builder.environment().put("STANDIN_EVENTS", events.toString());
    Process service = builder.redirectErrorStream(true).redirectOutput(dir.resolve("audit.log").toFile()).start();
    Standin standin = new Standin(events);
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> !standin.events("listening").isEmpty());

      Future<HttpResponse<Buffer>> pending = send(HttpMethod.PUT, "/k8s/config",
          new JsonObject().put("audit", new JsonObject().put("AUDIT_X", "1")));
      await().atMost(Duration.ofSeconds(10)).until(() -> !envOf("audit").equals(original));
      client.pods().inNamespace(NS).withLabel("app", "audit").delete();
      pod("audit", "audit-1", envOf("audit"), true, "127.0.0.1");
      status("audit", 1, 1, 1);
      Reply reply = reply(pending);

      assertThat(reply.code()).as(reply.body()).isEqualTo(200);
      // The rollout was done at once; the reply waited for the service's own readiness.
      long readyUs = standin.events("ready").get(0).getLong("us");
      assertThat(System.currentTimeMillis() * 1000).isGreaterThan(readyUs);
      assertThat(statusDeployments().getJsonObject("audit").getLong("lastRolloutMs")).isGreaterThan(1000);
    } finally {
      service.destroyForcibly();
      Processes.killAll(standin.allPids());
    }
  }

  private JsonObject statusDeployments() {
    return wrapper.call(HttpMethod.GET, "/status").json().getJsonObject("kubernetes").getJsonObject("deployments");
  }
}
