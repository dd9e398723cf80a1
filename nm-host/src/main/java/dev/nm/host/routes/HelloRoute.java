package dev.nm.host.routes;

import dev.nm.host.AccessPolicy;
import dev.nm.host.HostStatus;
import dev.nm.host.RouteCatalog;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.ProtocolLimits;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Introduces the host to a caller: protocol and host versions, frame limits, the routes it serves, and what
 * the caller itself is allowed.
 */
@NativeRoute(
    name = "hello",
    description = "Describes the host: protocol and host versions, frame limits, route names, and the caller's origin and granted scopes.",
    tags = {"system"},
    rateTier = RateTier.UNLIMITED)
@ValidCase(
    name = "describes the protocol",
    request = "{}",
    expect = {
      @Expect(path = "/protocol_version", equalTo = "\"1.0\""),
      @Expect(path = "/limits/max_outbound_frame_bytes", equalTo = "1048576"),
      @Expect(path = "/host_version")
    })
@ValidCase(
    name = "accepts a client of the same major version",
    request = "{\"protocol_version\": \"1.7\"}",
    expect = @Expect(path = "/protocol_version", equalTo = "\"1.0\""))
@InvalidCase(
    name = "refuses another major version",
    request = "{\"protocol_version\": \"2.0\"}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "protocol_version")
public final class HelloRoute implements RouteHandler<HelloRoute.Request, HelloRoute.Reply> {
  /**
   * @param protocolVersion the protocol version the client speaks, if it says; the host speaks every 1.x
   *     version, so only the major version must match
   */
  public record Request(
      @Pattern(regexp = "1\\.[0-9]+", message = "must be 1.x: this host speaks protocol version 1") String protocolVersion) {}

  /**
   * @param routes every route name, sorted
   * @param scopes the scopes the caller holds among those this host's routes require, their option scopes included
   *     ({@code routes} lists both), sorted
   */
  public record Reply(
      String protocolVersion, String hostVersion, Limits limits, List<String> routes, String origin, List<String> scopes) {}

  /** Frame size limits, in bytes. */
  public record Limits(int maxInboundFrameBytes, int maxOutboundFrameBytes) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    RouteCatalog catalog = context.service(RouteCatalog.class);
    AccessPolicy policy = context.service(AccessPolicy.class);
    List<String> scopes = new ArrayList<>();
    for (String scope : catalog.scopes()) {
      if (policy.grants(context.origin(), scope)) {
        scopes.add(scope);
      }
    }
    return new Reply(
        ProtocolLimits.PROTOCOL_VERSION,
        context.service(HostStatus.class).hostVersion(),
        new Limits(ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ProtocolLimits.MAX_OUTBOUND_FRAME_BYTES),
        catalog.names(),
        context.origin(),
        scopes);
  }
}
