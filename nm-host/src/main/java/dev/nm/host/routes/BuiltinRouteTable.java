package dev.nm.host.routes;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.DeclaredCase;
import dev.nm.route.RateTier;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteTable;
import java.util.List;

/**
 * The built-in routes every server serves: {@code cancel}, {@code hello}, {@code routes}. Written by hand
 * until nm-route-processor generates this table from the route classes.
 */
public final class BuiltinRouteTable implements RouteTable {
  private static final String EMPTY_OBJECT =
      "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}";

  @Override
  public List<RouteDescriptor<?, ?>> routes() {
    return List.of(cancel(), hello(), routesRoute());
  }

  private static RouteDescriptor<?, ?> cancel() {
    return RouteDescriptor.builder("cancel", CancelRoute.Request.class, CancelRoute.Reply.class, CancelRoute::new)
        .description("Cancels an unanswered call of this connection by its request_id; replies whether one was cancelled.")
        .tags("system")
        .rateTier(RateTier.UNLIMITED)
        .handlerType(CancelRoute.class)
        .requestSchema(
            "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\",\"properties\":"
                + "{\"request_id\":{\"type\":\"string\",\"minLength\":1}},\"required\":[\"request_id\"],\"additionalProperties\":false}")
        .responseSchema(
            "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\",\"properties\":"
                + "{\"cancelled\":{\"type\":\"boolean\"}},\"required\":[\"cancelled\"]}")
        .validCase(
            "unknown id cancels nothing",
            "{\"request_id\": \"no-such-call\"}",
            0,
            new DeclaredCase.Expectation("/cancelled", "false", ""))
        .invalidCase("blank id", "{\"request_id\": \"\"}", ErrorCode.VALIDATION_ERROR, "request_id")
        .build();
  }

  private static RouteDescriptor<?, ?> hello() {
    return RouteDescriptor.builder("hello", HelloRoute.Request.class, HelloRoute.Reply.class, HelloRoute::new)
        .description(
            "Describes the host: protocol and host versions, frame limits, route names, and the caller's origin and granted scopes.")
        .tags("system")
        .rateTier(RateTier.UNLIMITED)
        .handlerType(HelloRoute.class)
        .requestSchema(EMPTY_OBJECT)
        .responseSchema(
            "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\",\"properties\":{"
                + "\"protocol_version\":{\"type\":\"string\"},\"host_version\":{\"type\":\"string\"},"
                + "\"limits\":{\"type\":\"object\",\"properties\":{\"max_inbound_frame_bytes\":{\"type\":\"integer\"},"
                + "\"max_outbound_frame_bytes\":{\"type\":\"integer\"}}},"
                + "\"routes\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"origin\":{\"type\":\"string\"},"
                + "\"scopes\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}")
        .validCase(
            "describes the protocol",
            "{}",
            0,
            new DeclaredCase.Expectation("/protocol_version", "\"1.0\"", ""),
            new DeclaredCase.Expectation("/limits/max_outbound_frame_bytes", "1048576", ""),
            new DeclaredCase.Expectation("/host_version", "", ""))
        .invalidCase("takes no fields", "{\"verbose\": true}", ErrorCode.VALIDATION_ERROR, "verbose")
        .build();
  }

  private static RouteDescriptor<?, ?> routesRoute() {
    return RouteDescriptor.builder("routes", RoutesRoute.Request.class, RoutesRoute.Reply.class, RoutesRoute::new)
        .description("Lists every route with its description, tags, scope, rate tier and request/response JSON Schemas.")
        .tags("system")
        .rateTier(RateTier.UNLIMITED)
        .handlerType(RoutesRoute.class)
        .requestSchema(EMPTY_OBJECT)
        .responseSchema(
            "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\",\"properties\":{"
                + "\"routes\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
                + "\"name\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"},"
                + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"streaming\":{\"type\":\"boolean\"},"
                + "\"scope\":{\"type\":\"string\"},\"rate_tier\":{\"type\":\"string\"},"
                + "\"request_schema\":{\"type\":\"object\"},\"response_schema\":{\"type\":\"object\"}}}}}}")
        .validCase("lists itself", "{}", 0, new DeclaredCase.Expectation("/routes/0/name", "", ""))
        .invalidCase("takes no fields", "{\"tag\": \"chat\"}", ErrorCode.VALIDATION_ERROR, "tag")
        .build();
  }
}
