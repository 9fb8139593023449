package io.ociswrapper.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.List;
import java.util.Optional;

/**
 * When a Deployment's rollout is finished, judged the way {@code kubectl rollout status} does
 * (the controller saw the new generation, every replica updated and available, no old replica
 * left), plus the pods themselves: every pod labelled {@code app=<name>} runs the new env, none is
 * terminating, and each is Ready.
 */
final class Rollout {

  private Rollout() {
  }

  /** Empty when done; otherwise what is still missing, for logs and for a timeout's reason. */
  static Optional<String> pending(Deployment deployment, List<Pod> pods, String container, List<EnvVar> env) {
    DeploymentStatus status = deployment.getStatus();
    if (status == null) {
      return Optional.of("the Deployment has no status yet");
    }
    Long generation = deployment.getMetadata().getGeneration();
    if (generation != null && (status.getObservedGeneration() == null || status.getObservedGeneration() < generation)) {
      return Optional.of("the controller has not observed generation " + generation + " yet");
    }
    int wanted = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    int updated = orZero(status.getUpdatedReplicas());
    if (updated < wanted) {
      return Optional.of(updated + " of " + wanted + " replicas updated");
    }
    if (orZero(status.getReplicas()) > updated) {
      return Optional.of((orZero(status.getReplicas()) - updated) + " old replicas still running");
    }
    if (orZero(status.getAvailableReplicas()) < wanted) {
      return Optional.of(orZero(status.getAvailableReplicas()) + " of " + wanted + " replicas available");
    }
    return pods(pods, wanted, container, env);
  }

  private static Optional<String> pods(List<Pod> pods, int wanted, String container, List<EnvVar> env) {
    if (pods.size() < wanted) {
      return Optional.of(pods.size() + " of " + wanted + " pods exist");
    }
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        return Optional.of("pod " + name + " is terminating");
      }
      Optional<Container> c = pod.getSpec() == null ? Optional.empty()
          : pod.getSpec().getContainers().stream().filter(x -> x.getName().equals(container)).findFirst();
      if (c.isEmpty() || !EnvEdit.envOf(c.get()).equals(env)) {
        return Optional.of("pod " + name + " still runs the old environment");
      }
      boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null
          && pod.getStatus().getConditions().stream().anyMatch(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus()));
      if (!ready) {
        return Optional.of("pod " + name + " is not Ready");
      }
    }
    return Optional.empty();
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
