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
@InvalidCase(name = "takes no fields", request = "{\"tag\": \"chat\"}", code = ErrorCode.VALIDATION_ERROR, field = "tag")
public final class RoutesRoute implements RouteHandler<RoutesRoute.Request, RoutesRoute.Reply> {
  /** Takes no fields. */
  public record Request() {}

  /** @param routes sorted by name */
  public record Reply(List<Route> routes) {}

  /**
   * One route's contract.
   *
   * @param scope the scope a caller needs; empty if none
   * @param rateTier UNLIMITED, LIGHT, STANDARD or HEAVY
   */
  public record Route(
      String name,
      String description,
      List<String> tags,
      boolean streaming,
      String scope,
      String rateTier,
      JsonNode requestSchema,
      JsonNode responseSchema) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    return new Reply(
        context.service(RouteCatalog.class).entries().stream()
            .map(
                entry -> {
                  RouteDescriptor<?, ?> route = entry.descriptor();
                  return new Route(
                      route.name(),
                      route.description(),
                      route.tags(),
                      route.streaming(),
                      route.scope(),
                      route.rateTier().name(),
                      entry.requestSchema(),
                      entry.responseSchema());
                })
            .toList());
  }
}
