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
import dev.nm.routes.generation.GenerationMetrics;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;

/**
 * Per-route call counts, errors by code and latency percentiles since the host started, of the caller's own calls
 * (every origin's with {@code all_origins} and the scope {@value #ALL_ORIGINS_SCOPE}: which routes an extension
 * calls, and how often, is its own business); and, when the host serves models ({@link GenerationMetrics} is a
 * service), per-model token counts, time to first token and prompt and decode rates of the same origins'
 * generations.
 */
@NativeRoute(
    name = "stats",
    description = "Per-route call counts, errors by code and latency percentiles (ms) since the host started, of the"
        + " caller's calls (every origin's with all_origins and the scope stats.all), optionally for one route;"
        + " per-model generations, tokens, time to first token (ms), prompt and decode tokens/s of the same callers'"
        + " generations.",
    tags = {"system"},
    optionScopes = StatsRoute.ALL_ORIGINS_SCOPE,
    rateTier = RateTier.LIGHT)
@ValidCase(
    name = "since start",
    request = "{}",
    expect = {@Expect(path = "/since", matches = "[0-9]{4}-.*Z"), @Expect(path = "/models")})
@ValidCase(
    name = "one route never called",
    request = "{\"route\": \"no_such_route\"}",
    expect = @Expect(path = "/routes", equalTo = "[]"))
@InvalidCase(name = "malformed route name", request = "{\"route\": \"Chat!\"}", code = ErrorCode.VALIDATION_ERROR, field = "route")
public final class StatsRoute implements RouteHandler<StatsRoute.Request, StatsRoute.Reply> {
  /** The scope that lets an origin see every origin's calls. */
  public static final String ALL_ORIGINS_SCOPE = "stats.all";

  /**
   * @param route if set, only this route's counters
   * @param allOrigins true for every origin's calls, with those refused for their origin; needs the scope
   *     {@value #ALL_ORIGINS_SCOPE}. Absent or false: the caller's own
   */
  public record Request(
      @Pattern(regexp = "[a-z][a-z0-9_]*", message = "must be a route name such as chat") String route,
      Boolean allOrigins) {}

  /**
   * @param since when counting began (ISO-8601, UTC)
   * @param allOrigins whether {@code routes} counts every origin's calls, or only the caller's
   * @param routes routes called at least once, sorted by name
   * @param models models that have generated at least one token, sorted by name; empty if the host serves none
   */
  public record Reply(String since, boolean allOrigins, List<Route> routes, List<Model> models) {}

  /**
   * @param errors failures by error code
   * @param latencyMs latency percentiles from request to reply, in milliseconds
   */
  public record Route(String name, long calls, Map<String, Long> errors, Latency latencyMs) {}

  /** Percentiles, each accurate to one 10%-wide bucket. */
  public record Latency(double p50, double p90, double p99) {}

  /**
   * One model's generations that produced at least one token.
   *
   * @param promptTokens the tokens of their prompts, summed
   * @param completionTokens the tokens they generated, summed
   * @param timeToFirstTokenMs from the engine call to the first token: waiting for a slot plus prompt processing;
   *     loading the model is not included
   * @param promptTokensPerSecond prompt tokens per second of prompt processing (prefill)
   * @param decodeTokensPerSecond tokens per second after the first; generations of one token have none
   */
  public record Model(
      String name,
      long generations,
      long promptTokens,
      long completionTokens,
      Summary timeToFirstTokenMs,
      Summary promptTokensPerSecond,
      Summary decodeTokensPerSecond) {}

  /**
   * One quantity over a model's generations, each statistic accurate to 1%.
   *
   * @param count generations that measured it; the statistics are 0 when none did
   */
  public record Summary(long count, double mean, double p50, double p90) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    RouteStats stats = context.service(RouteStats.class);
    boolean allOrigins = Boolean.TRUE.equals(request.allOrigins());
    if (allOrigins) {
      context.requireScope(ALL_ORIGINS_SCOPE, "all_origins");
    }
    List<Model> models =
        context.findService(GenerationMetrics.class)
            .map(metrics -> metrics.snapshot(allOrigins ? origin -> true : context.origin()::equals).stream()
                .map(StatsRoute::model)
                .toList())
            .orElse(List.of());
    return new Reply(
        stats.since().toString(),
        allOrigins,
        stats.snapshot(allOrigins ? origin -> true : context.origin()::equals).stream()
            .filter(route -> request.route() == null || route.route().equals(request.route()))
            .map(
                route ->
                    new Route(
                        route.route(),
                        route.calls(),
                        route.errors(),
                        new Latency(route.p50Millis(), route.p90Millis(), route.p99Millis())))
            .toList(),
        models);
  }

  private static Model model(GenerationMetrics.ModelSnapshot model) {
    return new Model(
        model.model(),
        model.generations(),
        model.promptTokens(),
        model.completionTokens(),
        summary(model.timeToFirstTokenMillis()),
        summary(model.promptTokensPerSecond()),
        summary(model.decodeTokensPerSecond()));
  }

  private static Summary summary(GenerationMetrics.Distribution distribution) {
    return new Summary(distribution.count(), distribution.mean(), distribution.p50(), distribution.p90());
  }
}
