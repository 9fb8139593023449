package io.ociswrapper.testing;

import io.ociswrapper.config.WrapperConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A test's wrapper settings: the defaults of SPEC A1/B, random ports, and the stand-in as oCIS. */
public final class Settings {

  public Path bin = Standin.BIN;
  public String scheme = "http";
  public int ocisPort = Ports.free();
  public int retry = 5;
  public String adminUsername = "";
  public String adminPassword = "";
  public boolean skipOcisRun = true;
  public Duration readyTimeout = Duration.ofSeconds(20);
  public Duration readyInterval = Duration.ofMillis(20);
  public String readyUrl;
  public Duration stopTimeout = Duration.ofSeconds(5);
  public Duration commandTimeout = Duration.ofSeconds(5);
  public Duration idleTimeout = Duration.ofSeconds(60);
  public int logBuffer = 10_000;
  public String token;
  public String namespace = "ocis";
  public Path kubeconfig;
  /** Keep every child line in {@link Harness#lines}; off for floods, where it would only load the heap. */
  public boolean captureLines = true;
  /** The wrapper's own environment, which every child inherits. */
  public final Map<String, String> env = new HashMap<>(System.getenv());

  public String ocisUrl() {
    return scheme + "://127.0.0.1:" + ocisPort;
  }

  WrapperConfig toConfig(Path events) {
    Map<String, String> base = new HashMap<>(env);
    base.putIfAbsent("OCIS_URL", ocisUrl());
    base.put("STANDIN_EVENTS", events.toString());
    return new WrapperConfig(bin, ocisUrl(), retry, "127.0.0.1", 0, adminUsername, adminPassword, skipOcisRun,
        readyTimeout, readyInterval, Optional.ofNullable(readyUrl), stopTimeout, commandTimeout, idleTimeout, logBuffer,
        Optional.ofNullable(token), namespace, Optional.ofNullable(kubeconfig), base);
  }
}
