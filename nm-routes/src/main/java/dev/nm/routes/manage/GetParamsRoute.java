package dev.nm.routes.manage;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import dev.nm.routes.settings.AiPreferences;
import dev.nm.routes.settings.SamplingDefaults;
import jakarta.validation.constraints.Size;

/**
 * The sampling defaults that apply when a request omits a parameter: what {@link AiPreferences} reads, which leaves
 * out a saved parameter outside its range.
 */
@NativeRoute(
    name = "get_params",
    description = "Returns the sampling defaults: global, the session's own, and the effective ones a request of that"
        + " session gets for each parameter it omits. A saved parameter outside the range set_params allows (saved by an"
        + " older version, or edited by hand) does not apply and is left out; the host's log names it.",
    tags = {"ai", "params"},
    rateTier = RateTier.LIGHT)
@ValidCase(name = "an unknown session has none of its own", request = "{\"session_id\": \"never-used\"}", expect = @Expect(path = "/session", equalTo = "{}"))
@InvalidCase(name = "empty session id", request = "{\"session_id\": \"\"}", code = ErrorCode.VALIDATION_ERROR, field = "session_id")
public final class GetParamsRoute implements RouteHandler<GetParamsRoute.Request, GetParamsRoute.Reply> {
  /** @param sessionId a session; only the global defaults if absent */
  public record Request(@Size(min = 1, max = 256) String sessionId) {}

  /** @param session the session's own defaults; absent without {@code session_id} */
  public record Reply(SamplingDefaults global, SamplingDefaults session, SamplingDefaults effective) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    AiPreferences preferences = context.service(AiPreferences.class);
    String session = request.sessionId();
    return new Reply(
        preferences.globalDefaults(),
        session == null ? null : preferences.sessionDefaults(context.origin(), session),
        preferences.effectiveDefaults(context.origin(), session));
  }
}
