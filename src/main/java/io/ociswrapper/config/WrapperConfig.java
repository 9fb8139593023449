package io.ociswrapper.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the wrapper was configured with, resolved (flag > env > file > default) and
 * checked. {@code baseEnv} is the environment every child starts from: the wrapper's own.
 */
public record WrapperConfig(
    Path bin,
    String url,
    int retry,
    String host,
    int port,
    String adminUsername,
    String adminPassword,
    boolean skipOcisRun,
    Duration readyTimeout,
    Duration readyInterval,
    Optional<String> readyUrl,
    Duration stopTimeout,
    Duration commandTimeout,
    Duration idleTimeout,
    int logBuffer,
    Optional<String> token,
    String namespace,
    Optional<Path> kubeconfig,
    Map<String, String> baseEnv) {

  public WrapperConfig {
    baseEnv = Map.copyOf(baseEnv);
    url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Keeps the token out of logs and error messages that print the config. */
  @Override
  public String toString() {
    return "WrapperConfig[bin=" + bin + ", url=" + url + ", port=" + port + ", token=" + (token.isPresent() ? "***" : "none") + "]";
  }

  public boolean hasAdminCredentials() {
    return !adminUsername.isEmpty() && !adminPassword.isEmpty();
  }

  /** Defaults of SPEC A1 and B, for tests and as the picocli defaults' source of truth. */
  public static WrapperConfig defaults() {
    return new WrapperConfig(Path.of("/usr/bin/ocis"), "https://localhost:9200", 5, "0.0.0.0", 5200,
        "", "", false, Duration.ofSeconds(60), Duration.ofMillis(100), Optional.empty(),
        Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(60), 10_000, Optional.empty(), "ocis", Optional.empty(), System.getenv());
  }
}
