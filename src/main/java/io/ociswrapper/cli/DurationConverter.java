package io.ociswrapper.cli;

import io.ociswrapper.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code 500ms}, {@code 2s}, {@code 1m}, or a bare number of seconds; must be more than zero. */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      Duration d = Durations.parse(value);
      if (d.isZero()) {
        throw new TypeConversionException("'" + value + "' must be more than zero");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
