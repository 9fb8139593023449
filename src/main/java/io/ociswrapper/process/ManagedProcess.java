package io.ociswrapper.process;

import io.ociswrapper.process.ReadinessProbe.ProbeTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one supervised child (oCIS, later each separately started service): its state,
 * its current process, its crash-retry budget. Confined to the supervisor's context; every
 * method that changes processes is called from the operation queue only.
 */
public final class ManagedProcess {

  private static final Logger LOG = LoggerFactory.getLogger(ManagedProcess.class);

  /** The states of SPEC B's {@code /status}. */
  public enum State { STOPPED, STARTING, RUNNING, STOPPING, FAILED }

  /** Spawns a child; blocking for the fork only. */
  @FunctionalInterface
  public interface Spawner {
    ChildProcess spawn(String source, List<String> argv, Map<String, String> env) throws IOException;
  }

  /** What the supervisor needs to hear. */
  public interface Listener {
    void stateChanged(ManagedProcess process, ChildProcess child);

    /** The child exited without being asked to; the supervisor queues {@link #recover}. */
    void exitedUnexpectedly(ManagedProcess process, ChildProcess child);
  }

  private final String source;
  private final Vertx vertx;
  private final Spawner spawner;
  private final ReadinessProbe probe;
  private final ProcessStopper stopper;
  private final Listener listener;

  private State state = State.STOPPED;
  private ChildProcess child;
  private List<String> argv;
  private Map<String, String> env;
  private ProbeTarget target;
  private Duration readyTimeout;
  private int retriesLeft;
  private int restarts;
  private Integer lastExitCode;
  private List<String> lastLines = List.of();
  private Long lastStartMs;
  private Long lastStopMs;

  public ManagedProcess(String source, Vertx vertx, Spawner spawner, ReadinessProbe probe,
      ProcessStopper stopper, Listener listener) {
    this.source = source;
    this.vertx = vertx;
    this.spawner = spawner;
    this.probe = probe;
    this.stopper = stopper;
    this.listener = listener;
  }

  public String source() {
    return source;
  }

  public State state() {
    return state;
  }

  public boolean isAlive() {
    return child != null && child.isAlive();
  }

  /** Starts with a fresh retry budget and replies once ready, failed, or out of time. */
  public Future<StartReport> start(List<String> argv, Map<String, String> env, ProbeTarget target,
      int retries, Duration readyTimeout) {
    this.argv = List.copyOf(argv);
    this.env = Map.copyOf(env);
    this.target = target;
    this.readyTimeout = readyTimeout;
    this.retriesLeft = retries;
    long started = System.nanoTime();
    return attempt(started, started + readyTimeout.toNanos(), 1)
        .onSuccess(report -> lastStartMs = report.startMs());
  }

  private Future<StartReport> attempt(long started, long deadline, int attempt) {
    ChildProcess spawned;
    try {
      spawned = spawner.spawn(source, argv, env);
    } catch (IOException e) {
      child = null;
      setState(State.FAILED, null);
      return Future.failedFuture(new StartFailure(StartFailure.Kind.SPAWN, e.getMessage(), null, attempt, List.of()));
    }
    child = spawned;
    setState(State.STARTING, spawned);
    return probe.await(spawned, target, deadline).compose(outcome -> switch (outcome) {
      case READY -> ready(spawned, started, attempt);
      case EXITED -> exitedWhileStarting(spawned, started, deadline, attempt);
      case TIMEOUT -> timedOut(spawned, attempt);
    });
  }

  private Future<StartReport> ready(ChildProcess spawned, long started, int attempt) {
    setState(State.RUNNING, spawned);
    spawned.exit().onComplete(code -> {
      if (spawned == child && !spawned.stopRequested()) {
        lastExitCode = spawned.exitCode();
        lastLines = spawned.lastLines();
        LOG.warn("{} (pid {}) exited unexpectedly with code {}", source, spawned.pid(), lastExitCode);
        listener.exitedUnexpectedly(this, spawned);
      }
    });
    long now = System.nanoTime();
    return Future.succeededFuture(new StartReport(spawned.pid(), (now - started) / 1_000_000,
        (now - spawned.startedNanos()) / 1_000_000, attempt));
  }

  private Future<StartReport> exitedWhileStarting(ChildProcess spawned, long started, long deadline, int attempt) {
    lastExitCode = spawned.exitCode();
    lastLines = spawned.lastLines();
    if (lastExitCode != 0 && retriesLeft > 0 && System.nanoTime() < deadline) {
      retriesLeft--;
      restarts++;
      LOG.warn("{} exited with code {} while starting; restarting ({} retries left)", source, lastExitCode, retriesLeft);
      return cleanUp(spawned)
          .compose(v -> vertx.timer(backoffMs(attempt)))
          .compose(v -> attempt(started, deadline, attempt + 1));
    }
    return cleanUp(spawned).compose(v -> {
      setState(State.FAILED, spawned);
      return Future.failedFuture(new StartFailure(StartFailure.Kind.EXITED,
          source + " exited with code " + lastExitCode + " while starting", lastExitCode, attempt, lastLines));
    });
  }

  private Future<StartReport> timedOut(ChildProcess spawned, int attempt) {
    lastLines = spawned.lastLines();
    // Killed at once: the caller has waited the whole readiness budget already.
    return stopper.kill(spawned).transform(stopped -> {
      setState(State.FAILED, spawned);
      return Future.failedFuture(new StartFailure(StartFailure.Kind.TIMEOUT,
          source + " was not ready after " + readyTimeout.toMillis() + " ms (" + target.url() + ")",
          null, attempt, lastLines));
    });
  }

  /** Grandchildren of a crashed child must not linger into the next attempt. */
  private Future<Void> cleanUp(ChildProcess exited) {
    return stopper.kill(exited).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Called from the queue after {@link Listener#exitedUnexpectedly}: restart while budget lasts. */
  public Future<Void> recover(ChildProcess crashed) {
    if (crashed != child || state != State.RUNNING) {
      return Future.succeededFuture();
    }
    if (lastExitCode == 0 || retriesLeft == 0) {
      return cleanUp(crashed).onComplete(v -> setState(lastExitCode == 0 ? State.STOPPED : State.FAILED, crashed));
    }
    retriesLeft--;
    restarts++;
    LOG.warn("restarting {} after it crashed ({} retries left)", source, retriesLeft);
    long started = System.nanoTime();
    return cleanUp(crashed)
        .compose(v -> vertx.timer(backoffMs(1)))
        .compose(v -> attempt(started, started + readyTimeout.toNanos(), 1))
        .onFailure(e -> LOG.error("{} could not be restarted: {}", source, e.getMessage()))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  public Future<StopReport> stop() {
    ChildProcess current = child;
    if (current == null) {
      setState(State.STOPPED, null);
      return Future.succeededFuture(StopReport.NOTHING_RUNNING);
    }
    setState(State.STOPPING, current);
    return stopper.stop(current)
        .onSuccess(report -> {
          lastStopMs = report.stopMs();
          if (current.stopRequested() && current.exitCode() != null) {
            lastExitCode = current.exitCode();
          }
          child = null;
          setState(State.STOPPED, current);
        })
        .onFailure(e -> setState(State.FAILED, current));
  }

  private static long backoffMs(int attempt) {
    return Math.min(1_000, 100L << Math.min(attempt - 1, 4));
  }

  /** {@code subject} is the child the change is about (it may be gone already). */
  private void setState(State next, ChildProcess subject) {
    if (state != next) {
      state = next;
      listener.stateChanged(this, subject);
    }
  }

  public JsonObject snapshot() {
    JsonObject json = new JsonObject().put("state", state.name());
    if (child != null && child.isAlive()) {
      json.put("pid", child.pid()).put("uptimeMs", child.uptimeMillis());
    }
    json.put("restarts", restarts)
        .put("lastExitCode", lastExitCode)
        .put("lastStartMs", lastStartMs)
        .put("lastStopMs", lastStopMs);
    if (state == State.FAILED) {
      json.put("lastLines", new JsonArray(lastLines));
    }
    return json;
  }
}
