package dev.nm.host.middleware;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Puts {@code request_id}, {@code route} and {@code origin} in the SLF4J MDC for everything logged while a
 * call runs, logs each call at debug (with its latency since the request was read) and each failure at warn:
 * at most {@value #FAILURES_PER_SECOND} a second for each origin and code, the first line after a second in
 * which some were left out saying how many. A caller that repeats a failing call in a loop (refused, rate
 * limited, invalid) would otherwise fill the disk at the speed of its loop: the daemon's log begins anew only
 * when a daemon starts, and a full disk fails the settings and config writes of every caller.
 */
public final class RequestLogging implements Middleware {
  private static final Logger log = LoggerFactory.getLogger(RequestLogging.class);
  static final int FAILURES_PER_SECOND = 20;

  private final PerSecondLines<Key> failures = new PerSecondLines<>(FAILURES_PER_SECOND);

  private record Key(String origin, ErrorCode code) {}

  @Override
  public Object handle(Call call, Next next) {
    try (var requestId = MDC.putCloseable("request_id", call.requestId());
        var route = MDC.putCloseable("route", call.routeName());
        var origin = MDC.putCloseable("origin", call.origin())) {
      try {
        Object data = next.proceed(call);
        if (log.isDebugEnabled()) {
          log.debug("{} answered {} µs after it was read", call.routeName(), (System.nanoTime() - call.receivedNanos()) / 1000);
        }
        return data;
      } catch (RouteException e) {
        if (e.code() == ErrorCode.CANCELLED) {
          log.debug("{} cancelled", call.routeName());
        } else {
          long leftOut = failures.admit(new Key(call.origin(), e.code()), System.nanoTime());
          if (leftOut == 0) {
            log.warn("{} failed with {}: {}", call.routeName(), e.code(), e.getMessage());
          } else if (leftOut > 0) {
            log.warn("{} failed with {}: {} ({} more failures with {} from this origin left out of the log before this one)",
                call.routeName(), e.code(), e.getMessage(), leftOut, e.code());
          }
        }
        throw e;
      }
    }
  }
}
