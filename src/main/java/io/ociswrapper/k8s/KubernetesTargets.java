package io.ociswrapper.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.ociswrapper.process.DebugPorts;
import io.ociswrapper.process.Overrides;
import io.ociswrapper.process.ReadinessProbe;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes mode: oCIS Deployments changed through the fabric8 client instead of local
 * processes. Remembers each Deployment's original container env the first time it is touched,
 * sets variables on it, and waits for the rollout; rollback puts the exact original list back.
 *
 * <p>Lives in the supervisor and runs in its operation queue. The client's calls block, so they
 * run on Vert.x's worker pool (not on the supervisor's own thread, which must keep receiving);
 * the rollout wait is a timer loop. Deployments are handled one at a time, in name order.
 */
public final class KubernetesTargets {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesTargets.class);

  private final Vertx vertx;
  private final String namespace;
  private final Optional<File> kubeconfig;
  private final Duration readyTimeout;
  private final Duration interval;
  private final ReadinessProbe probe;
  /** Touched Deployments by name: the fixed order of every operation. Supervisor's context only. */
  private final Map<String, Target> touched = new TreeMap<>();
  private KubernetesClient client;

  /** One touched Deployment: its container, its env before we came, what we set on it. */
  private static final class Target {
    final String container;
    final List<EnvVar> original;
    Map<String, String> overrides = new LinkedHashMap<>();
    String state = "ROLLING_OUT";
    long lastRolloutMs = -1;
    String error;

    Target(String container, List<EnvVar> original) {
      this.container = container;
      this.original = original;
    }
  }

  /** A failure that names the Deployment it happened on. */
  static final class DeploymentFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String deployment;

    DeploymentFailure(String deployment, String reason) {
      super(reason);
      this.deployment = deployment;
    }
  }

  public KubernetesTargets(Vertx vertx, String namespace, Optional<File> kubeconfig, Duration readyTimeout,
      Duration interval, ReadinessProbe probe) {
    this.vertx = vertx;
    this.namespace = namespace;
    this.kubeconfig = kubeconfig;
    this.readyTimeout = readyTimeout;
    this.interval = interval;
    this.probe = probe;
  }

  /**
   * {@code {"<deployment>":{"KEY":"value"}}}, already checked by the API. Every named Deployment
   * must exist before any is changed: a missing one fails the request with nothing touched.
   */
  public Future<JsonObject> configure(Map<String, Map<String, String>> wanted) {
    long started = System.nanoTime();
    List<String> names = new ArrayList<>(new TreeMap<>(wanted).keySet());
    return blocking(() -> {
      Map<String, Deployment> found = new LinkedHashMap<>();
      for (String name : names) {
        Deployment deployment = client().apps().deployments().inNamespace(namespace).withName(name).get();
        if (deployment == null) {
          throw new DeploymentFailure(name, "Deployment '" + name + "' not found in namespace '" + namespace + "'");
        }
        if (EnvEdit.container(deployment).isEmpty()) {
          throw new DeploymentFailure(name, "Deployment '" + name + "' has no container");
        }
        found.put(name, deployment);
      }
      return found;
    }).compose(found -> inOrder(names, name -> apply(name, found.get(name), wanted.get(name))))
        .map(v -> ok(started))
        .otherwise(KubernetesTargets::failed);
  }

  /** Every touched Deployment back to its original env, in name order; forgotten once rolled out. */
  public Future<JsonObject> rollback() {
    long started = System.nanoTime();
    List<String> names = new ArrayList<>(touched.keySet());
    return inOrder(names, name -> {
      Target target = touched.get(name);
      return setEnv(name, target.container, target.original)
          .compose(v -> awaitRollout(name, target, target.original))
          .onSuccess(v -> touched.remove(name));
    }).map(v -> ok(started)).otherwise(KubernetesTargets::failed);
  }

  public JsonObject snapshot() {
    JsonObject deployments = new JsonObject();
    touched.forEach((name, t) -> deployments.put(name, new JsonObject()
        .put("state", t.state)
        .put("container", t.container)
        .put("overrides", Overrides.masked(t.overrides))
        .put("lastRolloutMs", t.lastRolloutMs < 0 ? null : t.lastRolloutMs)
        .put("error", t.error)));
    return new JsonObject().put("namespace", namespace).put("deployments", deployments);
  }

  public void close() {
    if (client != null) {
      client.close();
    }
  }

  private Future<Void> apply(String name, Deployment deployment, Map<String, String> overrides) {
    Target known = touched.get(name);
    Container container = EnvEdit.container(deployment).orElseThrow();
    Target target = known != null ? known : new Target(container.getName(), EnvEdit.copy(EnvEdit.envOf(container)));
    Map<String, String> merged = new LinkedHashMap<>(target.overrides);
    merged.putAll(overrides);
    List<EnvVar> env = EnvEdit.apply(target.original, merged);
    return setEnv(name, target.container, env).compose(v -> {
      // Changed on the cluster from here on: remembered, so that a rollback can undo it.
      touched.put(name, target);
      target.overrides = merged;
      return awaitRollout(name, target, env);
    });
  }

  private Future<Void> setEnv(String name, String container, List<EnvVar> env) {
    return blocking(() -> {
      try {
        client().apps().deployments().inNamespace(namespace).withName(name).edit(d -> {
          d.getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> c.getName().equals(container))
              .forEach(c -> c.setEnv(new ArrayList<>(env)));
          return d;
        });
      } catch (RuntimeException e) {
        throw new DeploymentFailure(name, "could not change Deployment '" + name + "': " + e.getMessage());
      }
      LOG.info("Deployment {}/{}: container {} env set ({} variables), waiting for the rollout",
          namespace, name, container, env.size());
      return null;
    }).mapEmpty();
  }

  /** A timer loop until the rollout is finished and the pods' debug endpoints answer, or the ready timeout. */
  private Future<Void> awaitRollout(String name, Target target, List<EnvVar> env) {
    long started = System.nanoTime();
    long deadline = started + readyTimeout.toNanos();
    target.state = "ROLLING_OUT";
    target.error = null;
    Promise<Void> done = Promise.promise();
    poll(name, target, env, deadline, done);
    return done.future().onComplete(result -> {
      target.state = result.succeeded() ? "ROLLED_OUT" : "FAILED";
      target.error = result.succeeded() ? null : result.cause().getMessage();
      target.lastRolloutMs = (System.nanoTime() - started) / 1_000_000;
    });
  }

  private void poll(String name, Target target, List<EnvVar> env, long deadline, Promise<Void> done) {
    blocking(() -> {
      Deployment deployment = client().apps().deployments().inNamespace(namespace).withName(name).get();
      if (deployment == null) {
        throw new DeploymentFailure(name, "Deployment '" + name + "' disappeared during its rollout");
      }
      List<Pod> pods = client().pods().inNamespace(namespace).withLabel("app", name).list().getItems();
      return Rollout.pending(deployment, pods, target.container, env).map(Future::<List<Pod>>failedFuture)
          .orElse(Future.succeededFuture(pods));
    }).compose(Function.identity())
        .compose(pods -> debugEndpoints(name, pods, env))
        .onSuccess(v -> done.tryComplete())
        .onFailure(e -> {
          if (e instanceof DeploymentFailure) {
            done.tryFail(e);
          } else if (System.nanoTime() >= deadline) {
            done.tryFail(new DeploymentFailure(name, "rollout of Deployment '" + name + "' not finished after "
                + readyTimeout.toSeconds() + " s: " + e.getMessage()));
          } else {
            vertx.setTimer(interval.toMillis(), id -> poll(name, target, env, deadline, done));
          }
        });
  }

  /**
   * The service's {@code /healthz} then {@code /readyz} on each pod's IP and debug port, where the
   * wrapper can reach it (a pod network it is part of); unreachable pods are not waited for.
   */
  private Future<Void> debugEndpoints(String name, List<Pod> pods, List<EnvVar> env) {
    Optional<Integer> port = debugPort(name, env);
    List<String> bases = pods.stream().map(p -> p.getStatus() == null ? null : p.getStatus().getPodIP())
        .filter(ip -> ip != null && !ip.isBlank() && port.isPresent())
        .map(ip -> "http://" + ip + ":" + port.get()).collect(Collectors.toList());
    List<Future<Void>> checks = new ArrayList<>();
    for (String base : bases) {
      checks.add(probe.status(base + "/healthz", 1000).compose(health -> {
        if (health < 0) {
          LOG.debug("{}: debug endpoint {} not reachable from the wrapper, not waited for", name, base);
          return Future.succeededFuture();
        }
        if (health != 200) {
          return Future.failedFuture(base + "/healthz answered " + health);
        }
        return probe.status(base + "/readyz", 1000).compose(ready -> ready == 200 || ready == 404 || ready < 0
            ? Future.<Void>succeededFuture() : Future.failedFuture(base + "/readyz answered " + ready));
      }));
    }
    return Future.all(checks).mapEmpty();
  }

  private static Optional<Integer> debugPort(String name, List<EnvVar> env) {
    String variable = DebugPorts.variable(name);
    Optional<Integer> fromEnv = env.stream().filter(e -> e.getName().equals(variable) && e.getValue() != null)
        .map(e -> e.getValue().substring(e.getValue().lastIndexOf(':') + 1)).filter(p -> p.matches("\\d+"))
        .map(Integer::parseInt).findFirst();
    OptionalInt known = DebugPorts.of(name);
    return fromEnv.or(() -> known.isPresent() ? Optional.of(known.getAsInt()) : Optional.empty());
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }

  /** Created on first use, on a worker thread: reading the kubeconfig and the service account is I/O. */
  private synchronized KubernetesClient client() {
    if (client == null) {
      Config config = kubeconfig.map(file -> Config.fromKubeconfig(file)).orElseGet(() -> Config.autoConfigure(null));
      client = new KubernetesClientBuilder().withConfig(config)
          .withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build();
      LOG.info("Kubernetes API {} (namespace {})", config.getMasterUrl(), namespace);
    }
    return client;
  }

  private static Future<Void> inOrder(List<String> names, Function<String, Future<Void>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (String name : names) {
      chain = chain.compose(v -> step.apply(name));
    }
    return chain;
  }

  private static JsonObject ok(long started) {
    return new JsonObject().put("ok", true).put("durationMs", (System.nanoTime() - started) / 1_000_000);
  }

  private static JsonObject failed(Throwable e) {
    JsonObject reply = new JsonObject().put("ok", false).put("reason", e.getMessage() == null ? e.toString() : e.getMessage());
    if (e instanceof DeploymentFailure failure) {
      reply.put("deployment", failure.deployment);
    }
    return reply;
  }
}
