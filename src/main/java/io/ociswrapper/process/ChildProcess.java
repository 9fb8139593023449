package io.ociswrapper.process;

import io.ociswrapper.logs.LineReader;
import io.ociswrapper.logs.LineSink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running child, started through {@code setsid} so that it leads a process group of its
 * own, and {@code env --default-signal} so that it gets SIGINT even when the wrapper was started
 * in the background with SIGINT ignored (ignored signals are inherited across exec).
 * Its pipes are drained by threads of the I/O executor, never by the supervisor's thread.
 */
public final class ChildProcess {

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
  private static final int LAST_LINES = 30;

  private final String source;
  private final Process process;
  private final long startedNanos = System.nanoTime();
  private final long startedMillis = System.currentTimeMillis();
  private final Promise<Integer> exit;
  private final Deque<String> lastLines = new ArrayDeque<>(LAST_LINES);
  private volatile Integer exitCode;
  private volatile boolean stopRequested;
  /** Told about every output line, on the pipe thread; must be cheap (the readiness probe's nudge). */
  private volatile Runnable outputListener;

  private ChildProcess(String source, Process process, Context context) {
    this.source = source;
    this.process = process;
    this.exit = Promise.promise();
    // onExit completes on a JDK thread: hop back onto the supervisor's context before anyone reacts.
    process.onExit().thenAccept(p -> context.runOnContext(v -> {
      exitCode = p.exitValue();
      exit.complete(exitCode);
    }));
  }

  /**
   * Starts {@code argv} with exactly {@code env}. Blocking for the fork only; call it on the
   * supervisor's worker thread.
   */
  public static ChildProcess start(String source, List<String> argv, Map<String, String> env,
      LineSink sink, Context context, Executor io) throws IOException {
    requireExecutable(Path.of(argv.get(0)));
    List<String> command = new ArrayList<>(List.of("setsid", "env", "--default-signal", "--"));
    command.addAll(argv);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    ChildProcess child = new ChildProcess(source, builder.start(), context);
    child.drain(child.process.getInputStream(), "stdout", sink, io);
    child.drain(child.process.getErrorStream(), "stderr", sink, io);
    LOG.info("started {} as pid {}: {}", source, child.pid(), String.join(" ", argv));
    return child;
  }

  /** A clear reason instead of setsid's or pty4j's own error when the binary is missing. */
  static void requireExecutable(Path bin) throws IOException {
    if (!Files.isRegularFile(bin) || !Files.isExecutable(bin)) {
      throw new IOException("oCIS binary " + bin + " does not exist or is not executable");
    }
  }

  private void drain(InputStream in, String stream, LineSink sink, Executor io) {
    io.execute(() -> {
      try (in) {
        new LineReader().pump(in, text -> {
          remember(text);
          sink.line(source, stream, text);
          Runnable listener = outputListener;
          if (listener != null) {
            listener.run();
          }
        });
      } catch (IOException e) {
        LOG.debug("{} {} closed: {}", source, stream, e.getMessage());
      }
    });
  }

  private void remember(String text) {
    synchronized (lastLines) {
      if (lastLines.size() == LAST_LINES) {
        lastLines.removeFirst();
      }
      lastLines.addLast(text.length() > 1024 ? text.substring(0, 1024) + "…" : text);
    }
  }

  /** {@code listener} runs on a pipe thread after each line; null removes it. */
  public void onOutput(Runnable listener) {
    outputListener = listener;
  }

  public String source() {
    return source;
  }

  /** Also the process group id: setsid makes the child a group leader. */
  public long pid() {
    return process.pid();
  }

  public Future<Integer> exit() {
    return exit.future();
  }

  public boolean hasExited() {
    return exitCode != null;
  }

  public Integer exitCode() {
    return exitCode;
  }

  /** Alive in the sense of SPEC A3: the process exists, not merely recorded. */
  public boolean isAlive() {
    return exitCode == null && process.isAlive();
  }

  public void markStopRequested() {
    stopRequested = true;
  }

  public boolean stopRequested() {
    return stopRequested;
  }

  public long uptimeMillis() {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  public long startedMillis() {
    return startedMillis;
  }

  public long startedNanos() {
    return startedNanos;
  }

  public List<String> lastLines() {
    synchronized (lastLines) {
      return new ArrayList<>(lastLines);
    }
  }

  ProcessHandle handle() {
    return process.toHandle();
  }
}
