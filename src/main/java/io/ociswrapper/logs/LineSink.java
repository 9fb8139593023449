package io.ociswrapper.logs;

/**
 * Receives every line a child prints. Called from the threads that drain child pipes, so an
 * implementation must never block: a slow consumer would fill the pipe and stall the child.
 */
@FunctionalInterface
public interface LineSink {

  void line(String source, String stream, String text);

  default LineSink andThen(LineSink next) {
    return (source, stream, text) -> {
      line(source, stream, text);
      next.line(source, stream, text);
    };
  }
}
