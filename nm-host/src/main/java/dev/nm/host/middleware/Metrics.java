package dev.nm.host.middleware;

import dev.nm.host.RouteStats;
import dev.nm.route.RouteException;
import java.util.Objects;

/** Records every call to a known route in {@link RouteStats}: its latency and, if it failed, its code. */
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
    long start = System.nanoTime();
    try {
      Object data = next.proceed(call);
      stats.record(call.routeName(), System.nanoTime() - start, null);
      return data;
    } catch (RouteException e) {
      stats.record(call.routeName(), System.nanoTime() - start, e.code().name());
      throw e;
    }
  }
}
