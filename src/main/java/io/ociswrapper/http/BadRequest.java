package io.ociswrapper.http;

/** A rejected request body: {@code message} is the contract's text, {@code reason} says exactly what is wrong. */
public final class BadRequest extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  public BadRequest(String message, String reason) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
