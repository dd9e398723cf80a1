package dev.nm.host.routes;

import dev.nm.host.connection.CallRegistry;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import jakarta.validation.constraints.NotBlank;

/**
 * Cancels another unanswered call of the same connection. The cancelled call answers {@code CANCELLED} at
 * once, whether or not its handler notices.
 */
@NativeRoute(
    name = "cancel",
    description = "Cancels an unanswered call of this connection by its request_id; replies whether one was cancelled.",
    tags = {"system"},
    rateTier = RateTier.UNLIMITED)
@ValidCase(
    name = "unknown id cancels nothing",
    request = "{\"request_id\": \"no-such-call\"}",
    expect = @Expect(path = "/cancelled", equalTo = "false"))
@InvalidCase(name = "blank id", request = "{\"request_id\": \"\"}", code = ErrorCode.VALIDATION_ERROR, field = "request_id")
public final class CancelRoute implements RouteHandler<CancelRoute.Request, CancelRoute.Reply> {
  /** @param requestId the {@code request_id} of the call to cancel */
  public record Request(@NotBlank String requestId) {}

  /** @param cancelled false if no such call was unanswered on this connection (a cancel never cancels itself) */
  public record Reply(boolean cancelled) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    if (request.requestId().equals(context.requestId())) {
      return new Reply(false);
    }
    return new Reply(context.service(CallRegistry.class).cancel(request.requestId()));
  }
}
