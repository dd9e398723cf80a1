package dev.nm.routes.system;

import dev.nm.host.RouteStats;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;

/** Per-route call counts, errors by code and latency percentiles since the host started. */
@NativeRoute(
    name = "stats",
    description = "Per-route call counts, errors by code and latency percentiles (ms) since the host started; optionally for one route.",
    tags = {"system"},
    rateTier = RateTier.LIGHT)
@ValidCase(name = "since start", request = "{}", expect = @Expect(path = "/since", matches = "[0-9]{4}-.*Z"))
@ValidCase(
    name = "one route never called",
    request = "{\"route\": \"no_such_route\"}",
    expect = @Expect(path = "/routes", equalTo = "[]"))
@InvalidCase(name = "malformed route name", request = "{\"route\": \"Chat!\"}", code = ErrorCode.VALIDATION_ERROR, field = "route")
public final class StatsRoute implements RouteHandler<StatsRoute.Request, StatsRoute.Reply> {
  /** @param route if set, only this route's counters */
  public record Request(@Pattern(regexp = "[a-z][a-z0-9_]*", message = "must be a route name such as chat") String route) {}

  /**
   * @param since when counting began (ISO-8601, UTC)
   * @param routes routes called at least once, sorted by name
   */
  public record Reply(String since, List<Route> routes) {}

  /**
   * @param errors failures by error code
   * @param latencyMs latency percentiles from request to reply, in milliseconds
   */
  public record Route(String name, long calls, Map<String, Long> errors, Latency latencyMs) {}

  /** Percentiles, each accurate to one 10%-wide bucket. */
  public record Latency(double p50, double p90, double p99) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    RouteStats stats = context.service(RouteStats.class);
    return new Reply(
        stats.since().toString(),
        stats.snapshot().stream()
            .filter(route -> request.route() == null || route.route().equals(request.route()))
            .map(
                route ->
                    new Route(
                        route.route(),
                        route.calls(),
                        route.errors(),
                        new Latency(route.p50Millis(), route.p90Millis(), route.p99Millis())))
            .toList());
  }
}
