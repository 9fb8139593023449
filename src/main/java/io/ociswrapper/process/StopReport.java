package io.ociswrapper.process;

/** How a stop went: how long it took and whether SIGKILL was needed. */
public record StopReport(long stopMs, boolean killed, Integer exitCode) {

  public static final StopReport NOTHING_RUNNING = new StopReport(0, false, null);
}
