package io.ociswrapper.process;

import io.ociswrapper.Addresses;
import io.ociswrapper.config.WrapperConfig;
import io.ociswrapper.k8s.KubernetesTargets;
import io.ociswrapper.logs.LineSink;
import io.ociswrapper.process.ReadinessProbe.Credentials;
import io.ociswrapper.process.ReadinessProbe.ProbeTarget;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every child process and all override state (a worker verticle: spawning forks block
 * briefly). Process-changing requests go through one {@link OperationQueue}, in arrival order;
 * snapshots and commands are answered beside it, so readers never wait behind a restart.
 * Replies are JSON facts ({@code ok}, timings, reasons); the HTTP layer turns them into the
 * contract's status codes and messages.
 */
public final class SupervisorVerticle extends VerticleBase implements ManagedProcess.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(SupervisorVerticle.class);

  private final WrapperConfig config;
  private final LineSink sink;
  private final Overrides overrides = new Overrides();
  private OperationQueue queue;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private ExecutorService io;
  private ReadinessProbe probe;
  private ProcessStopper stopper;
  private CommandRunner commands;
  private ManagedProcess ocis;
  private Services services;
  private KubernetesTargets kubernetes;
  private boolean closing;
  private long operations;

  public SupervisorVerticle(WrapperConfig config, LineSink sink) {
    this.config = config;
    this.sink = sink;
  }

  @Override
  public Future<?> start() {
    AtomicInteger threads = new AtomicInteger();
    // Pipe readers block in read(2): they get threads of their own, never the worker's.
    io = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "proc-io-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    queue = new OperationQueue(context);
    probe = new ReadinessProbe(vertx, config.readyInterval());
    stopper = new ProcessStopper(vertx, config.stopTimeout());
    commands = new CommandRunner(vertx, io);
    ocis = new ManagedProcess("ocis", vertx, this::spawn, probe, stopper, this);
    services = new Services(name -> new ManagedProcess(name, vertx, this::spawn, probe, stopper, this),
        config.bin().toString(), config.baseEnv(), config.retry(), config.readyTimeout());
    register(Addresses.START, this::start);
    register(Addresses.STOP, this::stop);
    register(Addresses.CONFIGURE, this::configure);
    register(Addresses.ROLLBACK, this::rollback);
    register(Addresses.COMMAND, this::command);
    register(Addresses.SNAPSHOT, body -> Future.succeededFuture(snapshot()));
    register(Addresses.SERVICE_START, body -> queued(() -> services.start(body.getString("name"), env(body))));
    register(Addresses.SERVICE_RESTART, body -> queued(() -> services.restart(body.getString("name"), env(body))));
    register(Addresses.SERVICE_STOP, body -> queued(() -> services.stop(body.getString("name"))));
    register(Addresses.SERVICES_ROLLBACK, body -> queued(services::rollback));
    kubernetes = new KubernetesTargets(vertx, config.namespace(), config.kubeconfig().map(Path::toFile),
        config.readyTimeout(), config.readyInterval(), probe);
    register(Addresses.K8S_CONFIGURE, body -> queued(() -> kubernetes.configure(deployments(body))));
    register(Addresses.K8S_ROLLBACK, body -> queued(kubernetes::rollback));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  /** Undeploy (the wrapper got SIGTERM or SIGINT): no child may outlive the wrapper. */
  @Override
  public Future<?> stop() {
    // A start or crash retry still running must not spawn anything after this point.
    closing = true;
    commands.killAll();
    return stopAll()
        .otherwise(e -> {
          LOG.error("could not stop every child cleanly: {}", e.getMessage());
          return StopReport.NOTHING_RUNNING;
        })
        .onComplete(v -> {
          probe.close();
          kubernetes.close();
          io.shutdownNow();
        });
  }

  private void register(String address, Function<JsonObject, Future<JsonObject>> handler) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, (Message<JsonObject> message) ->
        handler.apply(message.body() == null ? new JsonObject() : message.body()).onComplete(result -> {
          if (result.succeeded()) {
            message.reply(result.result());
          } else {
            LOG.error("{} failed unexpectedly", address, result.cause());
            message.reply(Replies.failure(result.cause().toString()));
          }
        }));
    consumers.add(consumer);
  }

  private Future<JsonObject> start(JsonObject body) {
    return queued(() -> ocis.isAlive()
        ? Future.succeededFuture(Replies.conflict(ocis.snapshot()))
        : startOcis(0));
  }

  private Future<JsonObject> stop(JsonObject body) {
    return queued(() -> stopAll().map(Replies::stopped).otherwise(e -> Replies.failure(e.getMessage())));
  }

  private static Map<String, String> env(JsonObject body) {
    Map<String, String> env = new LinkedHashMap<>();
    body.getJsonObject("env", new JsonObject()).forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    return env;
  }

  private Future<JsonObject> configure(JsonObject body) {
    Map<String, String> env = env(body);
    return queued(() -> {
      overrides.putAll(env);
      return restart();
    });
  }

  private Future<JsonObject> rollback(JsonObject body) {
    return queued(() -> {
      overrides.clear();
      return restart();
    });
  }

  private Future<JsonObject> restart() {
    return stopAll().transform(stopped -> stopped.succeeded()
        ? startOcis(stopped.result().stopMs())
        : Future.succeededFuture(Replies.failure("could not stop oCIS: " + stopped.cause().getMessage())));
  }

  /** oCIS and every separately started service; the services' stored overrides stay. */
  private Future<StopReport> stopAll() {
    Future<?> servicesStopped = services.stopAll();
    Future<StopReport> ocisStopped = ocis.stop();
    return Future.join(servicesStopped, ocisStopped).transform(done -> servicesStopped.failed()
        ? Future.failedFuture(servicesStopped.cause())
        : ocisStopped);
  }

  private Future<JsonObject> startOcis(long stopMs) {
    // Our own oCIS is stopped by now: whatever still listens there is somebody else's.
    Optional<String> held = PortHolder.of(config.url());
    if (held.isPresent()) {
      LOG.error("not starting oCIS: {}", held.get());
      return Future.succeededFuture(Replies.failure("oCIS " + held.get()
          + "; stop that process (an oCIS left over from an earlier wrapper?) and retry").put("stopMs", stopMs));
    }
    Map<String, String> env = overrides.applyTo(config.baseEnv());
    return ocis.start(List.of(config.bin().toString(), "server"), env, ocisProbe(), config.retry(), config.readyTimeout())
        .map(report -> Replies.started(report, stopMs))
        .otherwise(e -> e instanceof StartFailure f ? Replies.startFailed(f, stopMs) : Replies.failure(e.getMessage()));
  }

  /**
   * Answers with the time the request waited in the queue and its place in the order the
   * operations ran ({@code op}, 1, 2, …), added to the operation's own reply.
   */
  private Future<JsonObject> queued(Supplier<Future<JsonObject>> operation) {
    long received = System.nanoTime();
    return queue.submit(() -> {
      long queuedMs = (System.nanoTime() - received) / 1_000_000;
      long op = ++operations;
      return operation.get().map(reply -> reply.put("queuedMs", queuedMs).put("op", op));
    });
  }

  private Future<JsonObject> command(JsonObject body) {
    List<String> args = body.getJsonArray("args").stream().map(String::valueOf).toList();
    List<String> inputs = body.getJsonArray("inputs", new JsonArray()).stream().map(String::valueOf).toList();
    Long timeoutMs = body.getLong("timeoutMs");
    Duration timeout = timeoutMs == null ? config.commandTimeout() : Duration.ofMillis(timeoutMs);
    Map<String, String> env = overrides.applyTo(config.baseEnv());
    env.putIfAbsent("TERM", "xterm");
    return commands.run(config.bin(), args, inputs, env, timeout)
        .map(Replies::command)
        .otherwise(e -> Replies.failure(e.getMessage()));
  }

  private ChildProcess spawn(String source, List<String> argv, Map<String, String> env) throws IOException {
    if (closing) {
      throw new IOException("the wrapper is shutting down");
    }
    return ChildProcess.start(source, argv, env, sink, context, io);
  }

  private ProbeTarget ocisProbe() {
    if (config.readyUrl().isPresent()) {
      return ProbeTarget.of(config.readyUrl().get());
    }
    if (config.hasAdminCredentials()) {
      return ProbeTarget.withAuth(config.url() + "/graph/v1.0/me/drives",
          new Credentials(config.adminUsername(), config.adminPassword()));
    }
    return ProbeTarget.of(config.url() + "/ocs/v1.php/cloud/capabilities?format=json");
  }

  private static Map<String, Map<String, String>> deployments(JsonObject body) {
    Map<String, Map<String, String>> wanted = new LinkedHashMap<>();
    body.getJsonObject("deployments", new JsonObject()).forEach(entry -> {
      Map<String, String> env = new LinkedHashMap<>();
      ((JsonObject) entry.getValue()).forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
      wanted.put(entry.getKey(), env);
    });
    return wanted;
  }

  private JsonObject snapshot() {
    return new JsonObject()
        .put("ocis", ocis.snapshot().put("overrides", overrides.masked()))
        .put("services", services.snapshot())
        .put("kubernetes", kubernetes.snapshot())
        .put("queue", queue.pending());
  }

  @Override
  public void stateChanged(ManagedProcess process, ChildProcess child) {
    JsonObject event = new JsonObject()
        .put("source", process.source())
        .put("state", process.state().name())
        .put("ts", Instant.now().toString());
    if (child != null) {
      event.put("pid", child.pid());
      if (child.exitCode() != null) {
        event.put("exitCode", child.exitCode());
      }
    }
    LOG.info("{} is {}{}", process.source(), process.state(), child == null ? "" : " (pid " + child.pid() + ")");
    vertx.eventBus().publish(Addresses.STATUS, event);
  }

  @Override
  public void exitedUnexpectedly(ManagedProcess process, ChildProcess child) {
    queue.submit(() -> process.recover(child));
  }
}
