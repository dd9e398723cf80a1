package dev.nm.host.middleware;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Puts {@code request_id}, {@code route} and {@code origin} in the SLF4J MDC for everything logged while a
 * call runs, logs each call at debug (with its latency since the request was read) and each failure at warn.
 */
public final class RequestLogging implements Middleware {
  private static final Logger log = LoggerFactory.getLogger(RequestLogging.class);

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
          log.warn("{} failed with {}: {}", call.routeName(), e.code(), e.getMessage());
        }
        throw e;
      }
    }
  }
}
