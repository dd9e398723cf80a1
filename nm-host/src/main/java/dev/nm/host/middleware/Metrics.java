package dev.nm.host.middleware;

import dev.nm.host.AccessPolicy;
import dev.nm.host.RouteStats;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.util.Objects;

/**
 * Records every call to a known route in {@link RouteStats}: its origin, its latency from the moment the request
 * was read (time waiting for a worker included) and, if it failed, its code. A call from an origin the config
 * does not allow is counted under no origin.
 */
public final class Metrics implements Middleware {
  private final RouteStats stats;
  private final AccessPolicy policy;

  public Metrics(RouteStats stats, AccessPolicy policy) {
    this.stats = Objects.requireNonNull(stats, "stats");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  @Override
  public Object handle(Call call, Next next) {
    if (call.route() == null) {
      // Unknown names are not counted: a caller could otherwise grow the table without bound.
      return next.proceed(call);
    }
    String origin = policy.allows(call.origin()) ? call.origin() : "";
    try {
      Object data = next.proceed(call);
      stats.record(origin, call.routeName(), System.nanoTime() - call.receivedNanos(), null);
      return data;
    } catch (RouteException e) {
      stats.record(origin, call.routeName(), System.nanoTime() - call.receivedNanos(), e.code().name());
      throw e;
    } catch (RuntimeException | Error e) {
      // Answered INTERNAL_ERROR further out (ServerConnection), and counted as such here.
      stats.record(origin, call.routeName(), System.nanoTime() - call.receivedNanos(), ErrorCode.INTERNAL_ERROR.name());
      throw e;
    }
  }
}
