package io.ociswrapper.process;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Polls a child's readiness URL with the Vert.x web client until it answers 200, the child
 * exits, or the deadline passes: every {@code --ready-interval}, and early when the child logs.
 * TLS is not verified: oCIS serves a self-signed certificate.
 */
public final class ReadinessProbe {

  /** Why waiting ended. */
  public enum Outcome { READY, EXITED, TIMEOUT }

  /** One probe never waits longer than this, so a hung server can't eat the whole budget. */
  private static final long PROBE_TIMEOUT_MS = 2_000;
  /** Probes caused by output lines come no closer together than this. */
  static final long NUDGE_GAP_MS = 5;

  private final Vertx vertx;
  private final WebClient client;
  private final Duration interval;

  public ReadinessProbe(Vertx vertx, Duration interval) {
    this.vertx = vertx;
    this.interval = interval;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setTrustAll(true)
        .setVerifyHost(false)
        .setKeepAlive(false)
        .setConnectTimeout((int) PROBE_TIMEOUT_MS)
        .setUserAgent("ociswrapper"));
  }

  /**
   * Waits until {@code target} answers 200 while {@code child} is alive. A dead child ends the
   * wait at once (a dead child with no retry left fails the reply without waiting out the budget).
   */
  public Future<Outcome> await(ChildProcess child, ProbeTarget target, long deadlineNanos) {
    Wait wait = new Wait(vertx.getOrCreateContext(), child, target, deadlineNanos);
    long budgetMs = Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    long timer = vertx.setTimer(Math.max(1, budgetMs), id -> wait.outcome.tryComplete(Outcome.TIMEOUT));
    child.exit().onComplete(exit -> wait.outcome.tryComplete(Outcome.EXITED));
    child.onOutput(wait::nudge);
    wait.probeNow();
    return wait.outcome.future().onComplete(done -> {
      child.onOutput(null);
      vertx.cancelTimer(timer);
      wait.cancelPause();
    });
  }

  /**
   * One readiness wait: a timer loop (not a chain of composed futures, so a long wait never nests
   * deeply) that probes every {@code interval}, and probes early when the child prints a line,
   * since servers tend to log as they come up. A nudge never starts a second probe while one is
   * out, and nudged probes are at least {@link #NUDGE_GAP_MS} apart, so a chatty start can't turn
   * the probe into a flood of requests. Everything but {@link #nudge} runs on the supervisor's context.
   */
  private final class Wait {
    final Promise<Outcome> outcome = Promise.promise();
    private final Context context;
    private final ChildProcess child;
    private final ProbeTarget target;
    private final long deadlineNanos;
    private final AtomicBoolean nudged = new AtomicBoolean();
    private boolean inFlight;
    private long lastProbeNanos;
    private long pause = -1;

    Wait(Context context, ChildProcess child, ProbeTarget target, long deadlineNanos) {
      this.context = context;
      this.child = child;
      this.target = target;
      this.deadlineNanos = deadlineNanos;
    }

    /** From a pipe thread: at most one hop onto the context per pending nudge. */
    void nudge() {
      if (!outcome.future().isComplete() && nudged.compareAndSet(false, true)) {
        context.runOnContext(v -> {
          if (!inFlight) {
            cancelPause();
            schedule(nudgeDelayMs());
          }
        });
      }
    }

    void probeNow() {
      long remainingMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
      if (outcome.future().isComplete() || remainingMs <= 0) {
        return;
      }
      inFlight = true;
      nudged.set(false);
      lastProbeNanos = System.nanoTime();
      // Each probe is built anew so that its X-Request-ID carries the current time.
      probe(target, Math.min(PROBE_TIMEOUT_MS, remainingMs)).onComplete(ok -> {
        inFlight = false;
        if (ok.result() && !child.hasExited()) {
          outcome.tryComplete(Outcome.READY);
        } else if (!outcome.future().isComplete()) {
          schedule(nudged.get() ? nudgeDelayMs() : interval.toMillis());
        }
      });
    }

    private long nudgeDelayMs() {
      long sinceLast = (System.nanoTime() - lastProbeNanos) / 1_000_000;
      return Math.max(0, NUDGE_GAP_MS - sinceLast);
    }

    private void schedule(long delayMs) {
      if (delayMs <= 0) {
        probeNow();
      } else {
        pause = vertx.setTimer(delayMs, id -> {
          pause = -1;
          probeNow();
        });
      }
    }

    void cancelPause() {
      if (pause >= 0) {
        vertx.cancelTimer(pause);
        pause = -1;
      }
    }
  }

  /** 200 on the target's URL, then, if it has one, 200 (or 404: not offered) on its second URL. */
  public Future<Boolean> probe(ProbeTarget target, long timeoutMs) {
    return status(target, target.url(), timeoutMs).compose(code -> code != 200 || target.thenUrl().isEmpty()
        ? Future.succeededFuture(code == 200)
        : status(target, target.thenUrl().get(), timeoutMs).map(then -> then == 200 || then == 404));
  }

  /** The status code of one GET on {@code url}, or -1 when it could not be asked (refused, timed out). */
  public Future<Integer> status(String url, long timeoutMs) {
    return status(ProbeTarget.of(url), url, timeoutMs);
  }

  private Future<Integer> status(ProbeTarget target, String url, long timeoutMs) {
    HttpRequest<?> request = client.requestAbs(HttpMethod.GET, url)
        .timeout(timeoutMs)
        .putHeader("X-Request-ID", "ociswrapper-" + System.currentTimeMillis());
    target.basicAuth().ifPresent(c -> request.basicAuthentication(c.username(), c.password()));
    return request.send().map(response -> response.statusCode()).otherwise(-1);
  }

  public void close() {
    client.close();
  }

  /** Where and how to probe: {@code url}, then {@code thenUrl} (a service's /healthz, then /readyz). */
  public record ProbeTarget(String url, Optional<Credentials> basicAuth, Optional<String> thenUrl) {

    public static ProbeTarget of(String url) {
      return new ProbeTarget(url, Optional.empty(), Optional.empty());
    }

    public static ProbeTarget withAuth(String url, Credentials credentials) {
      return new ProbeTarget(url, Optional.of(credentials), Optional.empty());
    }

    public static ProbeTarget healthThenReady(String base) {
      return new ProbeTarget(base + "/healthz", Optional.empty(), Optional.of(base + "/readyz"));
    }
  }

  /** Basic-auth credentials for the Graph probe. */
  public record Credentials(String username, String password) {
  }
}
