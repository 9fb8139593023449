package io.ociswrapper.process;

/** What {@code POST /command} answers: the exit code (-1 on timeout) and the terminal output. */
public record CommandResult(int exitCode, String output, boolean timedOut, long durationMs) {

  public static final String TIMEOUT_MARKER = "[TimeoutError] Command timed out";
}
