package io.ociswrapper.process;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a child the way SPEC A4 asks: SIGINT to its group, up to the stop timeout, then
 * SIGKILL to the group; done only when the child and every member of its group are gone.
 * Descendants that left the group (their own setsid) are remembered before the first signal and
 * killed with the group. All waiting is timers on the caller's context, never a blocked thread.
 */
public final class ProcessStopper {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessStopper.class);
  /** Group membership is polled this often once the child itself has exited. */
  private static final long POLL_MS = 5;
  /** After SIGKILL the kernel needs only moments; beyond this something is badly wrong. */
  private static final Duration KILL_GRACE = Duration.ofSeconds(5);
  /**
   * Once the child itself has exited, what is left of its group (a grandchild that ignores
   * SIGINT, say) gets this long, not the whole stop timeout, before SIGKILL: nobody is left to
   * shut it down in order.
   */
  private static final Duration LEADER_GONE_GRACE = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final Duration stopTimeout;

  public ProcessStopper(Vertx vertx, Duration stopTimeout) {
    this.vertx = vertx;
    this.stopTimeout = stopTimeout;
  }

  public Future<StopReport> stop(ChildProcess child) {
    child.markStopRequested();
    long started = System.nanoTime();
    List<ProcessHandle> escaped = child.handle().descendants().collect(Collectors.toList());
    if (!ProcessGroups.signalGroupOf(child, LibC.SIGINT) && child.hasExited()) {
      return Future.succeededFuture(new StopReport(0, false, child.exitCode()));
    }
    return awaitGone(child, escaped, stopTimeout).compose(gone -> {
      if (gone) {
        return Future.succeededFuture(report(child, started, false));
      }
      LOG.warn("{} (pid {}) or its group still running after SIGINT: sending SIGKILL to the group {}",
          child.source(), child.pid(), ProcessGroups.members(child.pid()));
      kill(child, escaped);
      return awaitGone(child, escaped, KILL_GRACE).compose(dead -> dead
          ? Future.succeededFuture(report(child, started, true))
          : Future.failedFuture("processes of " + child.source() + " still alive after SIGKILL: "
              + ProcessGroups.members(child.pid())));
    });
  }

  /** SIGKILL at once, for children that failed and must not linger (timeouts, shutdown). */
  public Future<StopReport> kill(ChildProcess child) {
    child.markStopRequested();
    long started = System.nanoTime();
    List<ProcessHandle> escaped = child.handle().descendants().collect(Collectors.toList());
    kill(child, escaped);
    return awaitGone(child, escaped, KILL_GRACE).map(gone -> report(child, started, true));
  }

  private static void kill(ChildProcess child, List<ProcessHandle> escaped) {
    ProcessGroups.signalGroupOf(child, LibC.SIGKILL);
    escaped.forEach(ProcessHandle::destroyForcibly);
  }

  private static StopReport report(ChildProcess child, long started, boolean killed) {
    return new StopReport((System.nanoTime() - started) / 1_000_000, killed, child.exitCode());
  }

  private Future<Boolean> awaitGone(ChildProcess child, List<ProcessHandle> escaped, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    Promise<Boolean> gone = Promise.promise();
    long timer = vertx.setTimer(limit.toMillis(), id -> gone.tryComplete(false));
    // The child's own exit is an event; only the rest of its group has to be polled.
    child.exit().onComplete(exit -> pollGroup(child, escaped,
        Math.min(deadline, System.nanoTime() + LEADER_GONE_GRACE.toNanos()), gone));
    return gone.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  /** A timer loop, not a chain of composed futures: a 30 s wait would nest thousands deep. */
  private void pollGroup(ChildProcess child, List<ProcessHandle> escaped, long deadline, Promise<Boolean> gone) {
    if (gone.future().isComplete()) {
      return;
    }
    if (ProcessGroups.isEmpty(child.pid()) && escaped.stream().noneMatch(ProcessGroups::running)) {
      gone.tryComplete(true);
    } else if (System.nanoTime() >= deadline) {
      gone.tryComplete(false);
    } else {
      vertx.setTimer(POLL_MS, id -> pollGroup(child, escaped, deadline, gone));
    }
  }
}
