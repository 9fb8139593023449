package io.ociswrapper.process;

/**
 * A successful start: {@code startMs} from the request to readiness, {@code readyMs} from the
 * last spawn to readiness, {@code attempts} spawns it took (crashes while starting are retried).
 */
public record StartReport(long pid, long startMs, long readyMs, int attempts) {
}
