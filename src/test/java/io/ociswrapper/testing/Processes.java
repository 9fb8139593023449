package io.ociswrapper.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Whether processes really exist: /proc, with zombies counted as gone. */
public final class Processes {

  private Processes() {
  }

  public static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  public static List<Long> living(Collection<Long> pids) {
    return pids.stream().filter(Processes::alive).collect(Collectors.toList());
  }

  public static void awaitGone(Collection<Long> pids) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> living(pids).isEmpty());
  }

  /** The process group of {@code pid}, read from /proc. */
  public static long group(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[2]);
  }

  /** Kills leftovers so one failing test can't poison the next. */
  public static void killAll(Collection<Long> pids) {
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }
}
