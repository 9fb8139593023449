package io.ociswrapper.process;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * Runs process-changing operations one at a time, in the order they were submitted, each
 * completing its own future. Confined to the supervisor's context, so it needs no locking.
 * An operation is asynchronous: while one runs, the supervisor still answers readers.
 * The next operation starts from a fresh context task, never from inside the previous one's
 * completion, so a long queue of instant operations can't nest the stack.
 */
public final class OperationQueue {

  private final Context context;
  private final Deque<Runnable> waiting = new ArrayDeque<>();
  private boolean running;

  public OperationQueue(Context context) {
    this.context = context;
  }

  public <T> Future<T> submit(Supplier<Future<T>> operation) {
    Promise<T> result = Promise.promise();
    waiting.addLast(() -> {
      Future<T> future;
      try {
        future = operation.get();
      } catch (RuntimeException e) {
        future = Future.failedFuture(e);
      }
      future.onComplete(done -> {
        result.handle(done);
        context.runOnContext(v -> next());
      });
    });
    if (!running) {
      next();
    }
    return result.future();
  }

  private void next() {
    Runnable operation = waiting.pollFirst();
    running = operation != null;
    if (operation != null) {
      operation.run();
    }
  }

  /** Operations submitted and not yet finished, the running one included. */
  public int pending() {
    return waiting.size() + (running ? 1 : 0);
  }
}
