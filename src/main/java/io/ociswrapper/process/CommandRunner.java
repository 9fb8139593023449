package io.ociswrapper.process;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.unix.UnixPtyProcess;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code <bin> <args>} in a real pseudo-terminal (pty4j: an argv array, no shell), types
 * the inputs, and collects the output. pty4j makes the command a session leader, so its pid is
 * also its process group, and a timeout kills the whole tree with one signal.
 */
public final class CommandRunner {

  private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
  /** How long output may keep coming after the command exited (a grandchild holding the tty). */
  private static final long DRAIN_AFTER_EXIT_MS = 300;

  private final Vertx vertx;
  private final Executor io;
  private final Set<PtyProcess> running = ConcurrentHashMap.newKeySet();

  public CommandRunner(Vertx vertx, Executor io) {
    this.vertx = vertx;
    this.io = io;
  }

  public Future<CommandResult> run(Path bin, List<String> args, List<String> inputs,
      Map<String, String> env, Duration timeout) {
    List<String> argv = new ArrayList<>();
    argv.add(bin.toString());
    argv.addAll(args);
    PtyProcess process;
    try {
      ChildProcess.requireExecutable(bin);
      process = new PtyProcessBuilder(argv.toArray(String[]::new))
          .setEnvironment(env)
          .setRedirectErrorStream(true)
          .setInitialColumns(250)
          .setInitialRows(50)
          .start();
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    running.add(process);
    return new Run(vertx.getOrCreateContext(), process, inputs, timeout).result()
        .onComplete(done -> running.remove(process));
  }

  /** Kills every command still running: the wrapper is going away. */
  public void killAll() {
    running.forEach(p -> ProcessGroups.signal(p.pid(), LibC.SIGKILL));
  }

  /** One command, from start to result. */
  private final class Run {

    private final Context context;
    private final PtyProcess process;
    private final TerminalOutput output = new TerminalOutput();
    private final Promise<Void> drained = Promise.promise();
    private final long started = System.nanoTime();
    private volatile boolean timedOut;

    Run(Context context, PtyProcess process, List<String> inputs, Duration timeout) {
      this.context = context;
      this.process = process;
      int master = ((UnixPtyProcess) process).getPty().getMasterFD();
      Terminal.disableEcho(master);
      io.execute(this::readOutput);
      io.execute(() -> typeInputs(master, inputs));
      long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> timeOut());
      process.onExit().thenAccept(p -> context.runOnContext(v -> vertx.cancelTimer(timer)));
    }

    Future<CommandResult> result() {
      Promise<Integer> exit = Promise.promise();
      process.onExit().thenAccept(p -> context.runOnContext(v -> exit.complete(p.exitValue())));
      return exit.future().compose(code -> Future.any(drained.future(), vertx.timer(DRAIN_AFTER_EXIT_MS))
          .transform(ignored -> {
            // Whatever the command left behind in its session goes with it.
            ProcessGroups.signal(process.pid(), LibC.SIGKILL);
            String text = output.text();
            if (timedOut) {
              text = text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + CommandResult.TIMEOUT_MARKER;
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            return Future.succeededFuture(new CommandResult(timedOut ? -1 : code, text, timedOut, ms));
          }));
    }

    private void readOutput() {
      byte[] chunk = new byte[16 * 1024];
      try (InputStream in = process.getInputStream()) {
        int n;
        while ((n = in.read(chunk)) > 0) {
          output.append(chunk, n);
        }
      } catch (IOException e) {
        // EIO once the last holder of the terminal is gone: the normal end of a pty's output.
        LOG.debug("command output closed: {}", e.getMessage());
      } finally {
        context.runOnContext(v -> drained.tryComplete());
      }
    }

    /** On an I/O thread: a command that never reads could block the writer on a full tty buffer. */
    private void typeInputs(int master, List<String> inputs) {
      try {
        OutputStream in = process.getOutputStream();
        for (String input : inputs) {
          if (Terminal.echoes(master)) {
            output.expectEcho(input);
          }
          in.write((input + "\n").getBytes(StandardCharsets.UTF_8));
          in.flush();
        }
      } catch (IOException e) {
        LOG.debug("command stopped reading its inputs: {}", e.getMessage());
      }
    }

    private void timeOut() {
      timedOut = true;
      LOG.warn("command (pid {}) timed out: killing its process group", process.pid());
      List<ProcessHandle> tree = ProcessHandle.of(process.pid()).stream()
          .flatMap(ProcessHandle::descendants).toList();
      ProcessGroups.signal(process.pid(), LibC.SIGKILL);
      tree.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
