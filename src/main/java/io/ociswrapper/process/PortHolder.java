package io.ociswrapper.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who already listens on a local port that a child is about to bind, so that a start can say
 * "port 9200 is held by pid 4711 (ocis server)" instead of probing a stranger (an orphan of an
 * earlier wrapper would answer the readiness probe for a child that failed to bind). Reads
 * /proc/net/tcp* and the holders' /proc/PID/fd links; nothing is signalled.
 */
final class PortHolder {

  private static final int CONNECT_TIMEOUT_MS = 200;

  private PortHolder() {
  }

  /** A description of what listens on {@code url}'s port, when the host is this machine. */
  static Optional<String> of(String url) {
    URI uri = URI.create(url);
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    String host = uri.getHost();
    if (host == null || !isLocal(host) || !accepts(host, port)) {
      return Optional.empty();
    }
    return Optional.of("port " + port + " is already in use" + owner(port).map(o -> " by " + o).orElse(""));
  }

  private static boolean isLocal(String host) {
    try {
      InetAddress address = InetAddress.getByName(host);
      return address.isLoopbackAddress() || address.isAnyLocalAddress();
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean accepts(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** "pid N (command line)" of the process with a listening socket on {@code port}. */
  static Optional<String> owner(int port) {
    Set<String> inodes = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          // local_address is ADDR:PORT in hex; state 0A is LISTEN; field 9 is the inode.
          if (f.length > 9 && f[1].toUpperCase(Locale.ROOT).endsWith(String.format(":%04X", port)) && f[3].equals("0A")) {
            inodes.add("socket:[" + f[9] + "]");
          }
        }
      } catch (IOException e) {
        // No such table (no IPv6): nothing listens there.
      }
    }
    if (inodes.isEmpty()) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path proc : procs) {
        if (holds(proc, inodes)) {
          return Optional.of("pid " + proc.getFileName() + " (" + commandLine(proc) + ")");
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static boolean holds(Path proc, Set<String> inodes) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : fds) {
        try {
          if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
            return true;
          }
        } catch (IOException e) {
          // Closed meanwhile.
        }
      }
    } catch (IOException e) {
      // Gone, or not ours to read.
    }
    return false;
  }

  private static String commandLine(Path proc) {
    try {
      String raw = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
      String text = raw.replace('\0', ' ').trim();
      return text.length() > 400 ? text.substring(0, 400) + "…" : text;
    } catch (IOException e) {
      return "?";
    }
  }
}
