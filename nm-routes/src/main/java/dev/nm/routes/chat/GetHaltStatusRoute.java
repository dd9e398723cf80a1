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

/** The caller's generations running now, whether each has been asked to stop, and the caller's last stop. */
@NativeRoute(
    name = "get_halt_status",
    description = "Lists the caller's running generations (optionally of one session): request id, session, model, start"
        + " time, pieces of text so far, and whether stop_generation has asked it to stop; and the caller's latest"
        + " stop_generation call since the host started (last_stop: when, what it named, what it stopped; null if none).",
    tags = {"ai", "chat"},
    rateTier = RateTier.UNLIMITED)
@ValidCase(name = "nothing running", request = "{}", expect = @Expect(path = "/active", equalTo = "[]"))
@InvalidCase(name = "empty session id", request = "{\"session_id\": \"\"}", code = ErrorCode.VALIDATION_ERROR, field = "session_id")
public final class GetHaltStatusRoute implements RouteHandler<GetHaltStatusRoute.Request, GetHaltStatusRoute.Reply> {
  public record Request(@Size(min = 1, max = 256) String sessionId) {}

  /** @param lastStop the caller's latest {@code stop_generation} call, or null */
  public record Reply(List<Running> active, LastStop lastStop) {}

  /**
   * @param at an ISO-8601 instant
   * @param requestId the request id it named, or null
   * @param sessionId the session it named, or null (neither: all of the caller's generations)
   * @param stopped the request ids it asked to stop
   */
  public record LastStop(String at, String requestId, String sessionId, List<String> stopped) {}

  /**
   * @param startedAt an ISO-8601 instant
   * @param pieces pieces of text streamed so far
   * @param tokens tokens generated so far (a piece may be several, e.g. an emoji's bytes)
   * @param stopping whether {@code stop_generation} has asked it to stop
   */
  public record Running(
      String requestId, String sessionId, String model, String startedAt, int pieces, int tokens, boolean stopping) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    ActiveGenerations generations = context.service(ActiveGenerations.class);
    return new Reply(
        generations.mine(context.origin()).stream()
            .filter(g -> request.sessionId() == null || request.sessionId().equals(g.sessionId()))
            .map(g -> new Running(g.requestId(), g.sessionId(), g.model(), g.startedAt().toString(), g.pieces(), g.tokens(),
                g.stopRequested()))
            .toList(),
        generations.lastStop(context.origin())
            .map(s -> new LastStop(s.at().toString(), s.requestId(), s.sessionId(), s.stopped()))
            .orElse(null));
  }
}
