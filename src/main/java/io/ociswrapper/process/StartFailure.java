package io.ociswrapper.process;

import java.util.List;

/** Why a start failed, with what the child printed last: failure replies carry both. */
public final class StartFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The kind of failure. */
  public enum Kind { SPAWN, EXITED, TIMEOUT }

  private final Kind kind;
  private final Integer exitCode;
  private final int attempts;
  private final transient List<String> lastLines;

  public StartFailure(Kind kind, String reason, Integer exitCode, int attempts, List<String> lastLines) {
    super(reason, null, false, false);
    this.kind = kind;
    this.exitCode = exitCode;
    this.attempts = attempts;
    this.lastLines = List.copyOf(lastLines);
  }

  public Kind kind() {
    return kind;
  }

  public Integer exitCode() {
    return exitCode;
  }

  public int attempts() {
    return attempts;
  }

  public List<String> lastLines() {
    return lastLines;
  }
}
