package io.ociswrapper.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Container env lists: variables set in place (same position; a {@code valueFrom} entry becomes a
 * plain value), new ones appended in the order given, all others left exactly as they were.
 */
final class EnvEdit {

  private EnvEdit() {
  }

  static List<EnvVar> apply(List<EnvVar> original, Map<String, String> overrides) {
    List<EnvVar> result = new ArrayList<>(original.size() + overrides.size());
    Set<String> placed = new HashSet<>();
    for (EnvVar var : original) {
      if (overrides.containsKey(var.getName())) {
        result.add(plain(var.getName(), overrides.get(var.getName())));
        placed.add(var.getName());
      } else {
        result.add(var);
      }
    }
    overrides.forEach((name, value) -> {
      if (!placed.contains(name)) {
        result.add(plain(name, value));
      }
    });
    return result;
  }

  private static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  /** Deep copies: what we remember must not change when the client's objects do. */
  static List<EnvVar> copy(List<EnvVar> env) {
    List<EnvVar> copy = new ArrayList<>();
    env.forEach(var -> copy.add(new EnvVarBuilder(var).build()));
    return copy;
  }

  /** The oCIS chart's container is named after its Deployment; otherwise the first one. */
  static Optional<Container> container(Deployment deployment) {
    List<Container> containers = deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
        || deployment.getSpec().getTemplate().getSpec() == null ? List.of()
        : deployment.getSpec().getTemplate().getSpec().getContainers();
    return containers.stream().filter(c -> deployment.getMetadata().getName().equals(c.getName())).findFirst()
        .or(() -> containers.stream().findFirst());
  }

  static List<EnvVar> envOf(Container container) {
    return container.getEnv() == null ? List.of() : container.getEnv();
  }
}
