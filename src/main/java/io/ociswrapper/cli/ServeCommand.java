package io.ociswrapper.cli;

import io.ociswrapper.Wrapper;
import io.ociswrapper.config.WrapperConfig;
import io.ociswrapper.logs.ConsoleSink;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code ociswrapper serve}: runs the API and supervises oCIS until SIGTERM or SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Starts the wrapper's HTTP API and (unless --skip-ocis-run) oCIS.",
        "Every option can also be set as OCISWRAPPER_<NAME> in the environment (OCISWRAPPER_READY_TIMEOUT=90s)",
        "or as <name>=<value> in the config file; precedence: flag > environment > config file > default.",
        "Durations: 500ms, 2s, 1m, or a bare number of seconds."})
public final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--bin", defaultValue = "/usr/bin/ocis", paramLabel = "PATH",
      description = "Full path of the oCIS binary (default: ${DEFAULT-VALUE}).")
  Path bin;

  @Option(names = "--url", defaultValue = "https://localhost:9200", paramLabel = "URL",
      description = "oCIS base URL, used by the readiness probe (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--retry", defaultValue = "5", paramLabel = "N",
      description = "Restarts allowed per start request after oCIS exits with a non-zero code (default: ${DEFAULT-VALUE}).")
  int retry;

  @Option(names = {"-p", "--port"}, defaultValue = "5200", paramLabel = "PORT",
      description = "API port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "ADDRESS",
      description = "API bind address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--admin-username", defaultValue = "", paramLabel = "NAME",
      description = "With --admin-password: readiness uses an authenticated Graph call.")
  String adminUsername;

  @Option(names = "--admin-password", defaultValue = "", paramLabel = "PASSWORD",
      description = "With --admin-username: readiness uses an authenticated Graph call.")
  String adminPassword;

  @Option(names = "--skip-ocis-run", defaultValue = "false",
      description = "Do not start oCIS when the wrapper starts.")
  boolean skipOcisRun;

  @Option(names = "--ready-timeout", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long a start may take until oCIS is ready (default: ${DEFAULT-VALUE}).")
  Duration readyTimeout;

  @Option(names = "--ready-interval", defaultValue = "100ms", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Pause between readiness probes (default: ${DEFAULT-VALUE}).")
  Duration readyInterval;

  @Option(names = "--ready-url", paramLabel = "URL",
      description = "Probe this URL instead of the Graph/capabilities URL (e.g. a proxy /readyz).")
  String readyUrl;

  @Option(names = "--stop-timeout", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Time between SIGINT and SIGKILL when stopping a child (default: ${DEFAULT-VALUE}).")
  Duration stopTimeout;

  @Option(names = "--command-timeout", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Default time limit of POST /command (default: ${DEFAULT-VALUE}).")
  Duration commandTimeout;

  @Option(names = "--idle-timeout", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Close API connections that send no complete request for this long; never one awaiting a reply (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(names = "--log-buffer", defaultValue = "10000", paramLabel = "LINES",
      description = "Child output lines kept for GET /logs and ocis.log.tail (default: ${DEFAULT-VALUE}).")
  int logBuffer;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "Require 'Authorization: Bearer TOKEN' on every request but GET /healthz (prefer OCISWRAPPER_TOKEN: flags show in ps).")
  String token;

  @Option(names = {"-n", "--namespace"}, defaultValue = "ocis", paramLabel = "NAMESPACE",
      description = "Kubernetes namespace of the oCIS Deployments for /k8s/* (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig for /k8s/* (default: in-cluster service account, $KUBECONFIG, ~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Config file of <name>=<value> lines (default: " + Defaults.DEFAULT_FILE + " if it exists).")
  Path config;

  @Override
  public Integer call() {
    WrapperConfig wrapperConfig = validated();
    Vertx vertx = Vertx.vertx();
    ConsoleSink console = new ConsoleSink(System.out);
    Wrapper wrapper;
    try {
      wrapper = Wrapper.start(vertx, wrapperConfig, console).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new ParameterException(spec.commandLine(),
          "cannot listen on " + host + ":" + port + ": " + rootMessage(e));
    }
    Promise<Void> stopped = Promise.promise();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutDown(vertx, wrapper, console, stopped), "shutdown"));
    stopped.future().await();
    return 0;
  }

  /** SIGTERM or SIGINT: every child is stopped (SIGINT, then SIGKILL) before the JVM exits. */
  private void shutDown(Vertx vertx, Wrapper wrapper, ConsoleSink console, Promise<Void> stopped) {
    LOG.info("shutting down: stopping all children");
    try {
      // Awaited one at a time from this plain thread: a continuation chained onto the close
      // would be dispatched to an event loop that vertx.close() is shutting down.
      wrapper.close().await(stopTimeout.toMillis() + 15_000, TimeUnit.MILLISECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
      console.close();
    } catch (Exception e) {
      LOG.error("shutdown did not finish cleanly: {}", rootMessage(e));
    } finally {
      stopped.tryComplete();
    }
  }

  private WrapperConfig validated() {
    Defaults defaults = (Defaults) spec.root().commandLine().getDefaultValueProvider();
    if (defaults.problem() != null) {
      throw new ParameterException(spec.commandLine(), defaults.problem());
    }
    Set<String> known = spec.options().stream().map(Defaults::key).collect(Collectors.toSet());
    for (String key : defaults.file().stringPropertyNames()) {
      if (!known.contains(key)) {
        throw new ParameterException(spec.commandLine(), "unknown key '" + key + "' in the config file");
      }
    }
    require(port >= 0 && port <= 65535, "--port must be between 0 and 65535, not " + port);
    require(retry >= 0, "--retry must not be negative, not " + retry);
    require(logBuffer >= 1 && logBuffer <= 10_000_000, "--log-buffer must be between 1 and 10000000, not " + logBuffer);
    requireUrl("--url", url);
    require(namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && namespace.length() <= 63,
        "--namespace '" + namespace + "' is not a valid Kubernetes namespace name");
    if (kubeconfig != null) {
      require(Files.isReadable(kubeconfig), "--kubeconfig " + kubeconfig + " does not exist or is not readable");
    }
    if (readyUrl != null && !readyUrl.isBlank()) {
      requireUrl("--ready-url", readyUrl);
    }
    if (!skipOcisRun) {
      require(Files.isRegularFile(bin) && Files.isExecutable(bin),
          "--bin " + bin + " does not exist or is not executable (use --skip-ocis-run to start without it)");
    }
    return new WrapperConfig(bin.toAbsolutePath(), url, retry, host, port, adminUsername, adminPassword,
        skipOcisRun, readyTimeout, readyInterval, Optional.ofNullable(readyUrl).filter(s -> !s.isBlank()),
        stopTimeout, commandTimeout, idleTimeout, logBuffer, Optional.ofNullable(token).filter(t -> !t.isBlank()), namespace, Optional.ofNullable(kubeconfig).map(Path::toAbsolutePath),
        System.getenv());
  }

  private void requireUrl(String option, String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + " '" + value + "' is not a URL");
    }
    require(("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null,
        option + " '" + value + "' must be an http:// or https:// URL with a host");
  }

  private void require(boolean condition, String message) {
    if (!condition) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
