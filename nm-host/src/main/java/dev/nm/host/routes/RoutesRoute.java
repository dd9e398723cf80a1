package dev.nm.host.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.RouteCatalog;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/** Lists every route the host serves with its contract, so a client can discover and validate calls. */
@NativeRoute(
    name = "routes",
    description = "Lists every route with its description, tags, scope, rate tier and request/response JSON Schemas.",
    tags = {"system"},
    rateTier = RateTier.UNLIMITED)
@ValidCase(
    name = "lists itself",
    request = "{}",
    expect = @Expect(path = "/routes/0/name"))
@ValidCase(
    name = "filters by tag",
    request = "{\"tag\": \"system\"}",
    expect = @Expect(path = "/routes/0/tags/0", equalTo = "\"system\""))
@InvalidCase(name = "malformed tag", request = "{\"tag\": \"Not A Tag\"}", code = ErrorCode.VALIDATION_ERROR, field = "tag")
public final class RoutesRoute implements RouteHandler<RoutesRoute.Request, RoutesRoute.Reply> {
  /** @param tag if set, only routes carrying this tag are listed */
  public record Request(@Pattern(regexp = "[a-z][a-z0-9_.-]*", message = "must be a lowercase tag such as chat") String tag) {}

  /** @param routes sorted by name */
  public record Reply(List<Route> routes) {}

  /**
   * One route's contract.
   *
   * @param scope the scope a caller needs; empty if none
   * @param optionScopes scopes that unlock parts of the route beyond {@code scope}, such as a request option; each
   *     description says which
   * @param rateTier UNLIMITED, LIGHT, STANDARD or HEAVY
   */
  public record Route(
      String name,
      String description,
      List<String> tags,
      boolean streaming,
      String scope,
      List<String> optionScopes,
      String rateTier,
      JsonNode requestSchema,
      JsonNode responseSchema) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    return new Reply(
        context.service(RouteCatalog.class).entries().stream()
            .filter(entry -> request.tag() == null || entry.descriptor().tags().contains(request.tag()))
            .map(
                entry -> {
                  RouteDescriptor<?, ?> route = entry.descriptor();
                  return new Route(
                      route.name(),
                      route.description(),
                      route.tags(),
                      route.streaming(),
                      route.scope(),
                      route.optionScopes(),
                      route.rateTier().name(),
                      entry.requestSchema(),
                      entry.responseSchema());
                })
            .toList());
  }
}
