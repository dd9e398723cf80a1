package dev.nm.host.middleware;

import dev.nm.host.RouteStats;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.util.Objects;

/**
 * Records every call to a known route in {@link RouteStats}: its origin, its latency from the moment the request
 * was read (time waiting for a worker included) and, if it failed, its code. A call refused because its origin is
 * not allowed is counted under no origin.
 */
public final class Metrics implements Middleware {
  private final RouteStats stats;

  public Metrics(RouteStats stats) {
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  @Override
  public Object handle(Call call, Next next) {
    if (call.route() == null) {
      // Unknown names are not counted: a caller could otherwise grow the table without bound.
      return next.proceed(call);
    }
    try {
      Object data = next.proceed(call);
      stats.record(call.origin(), call.routeName(), System.nanoTime() - call.receivedNanos(), null);
      return data;
    } catch (RouteException e) {
      String origin = e.code() == ErrorCode.FORBIDDEN ? "" : call.origin();
      stats.record(origin, call.routeName(), System.nanoTime() - call.receivedNanos(), e.code().name());
      throw e;
    }
  }
}
