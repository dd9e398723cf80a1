package dev.nm.routes.chat;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import dev.nm.routes.generation.ActiveGenerations;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Stops the caller's own generations; each ends before its next token with finish reason {@code cancelled},
 * keeping the text generated so far.
 */
@NativeRoute(
    name = "stop_generation",
    description = "Stops the caller's generations: the one with request_id on this connection, else those of"
        + " session_id, else all of them, on every connection of the caller. Each ends before its next token with"
        + " finish_reason cancelled and the text so far; a call still queued for a worker (made before the stop) starts"
        + " stopped and ends at once. stopped lists the request ids running or named; queued calls of a session are not"
        + " listed, not having told their session yet.",
    tags = {"ai", "chat"},
    rateTier = RateTier.UNLIMITED)
@ValidCase(name = "nothing running", request = "{}", expect = @Expect(path = "/stopped", equalTo = "[]"))
@InvalidCase(name = "empty request id", request = "{\"request_id\": \"\"}", code = ErrorCode.VALIDATION_ERROR, field = "request_id")
public final class StopGenerationRoute implements RouteHandler<StopGenerationRoute.Request, StopGenerationRoute.Reply> {
  /**
   * @param requestId the {@code request_id} of the generation to stop
   * @param sessionId stop the generations of this session
   */
  public record Request(@Size(min = 1, max = 256) String requestId, @Size(min = 1, max = 256) String sessionId) {}

  /** @param stopped the request ids asked to stop: those running, and the one named by request_id though queued */
  public record Reply(List<String> stopped) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    return new Reply(context.service(ActiveGenerations.class).stop(context, request.requestId(), request.sessionId()));
  }
}
