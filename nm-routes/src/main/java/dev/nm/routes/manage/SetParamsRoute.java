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
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Replaces the sampling defaults, globally or for one session; kept across restarts. */
@NativeRoute(
    name = "set_params",
    description = "Replaces the sampling defaults (temperature, top_p, top_k, min_p, repeat_penalty, presence_penalty,"
        + " frequency_penalty, seed, max_tokens), globally or for one of the caller's sessions (each extension has its"
        + " own); each is range-checked and kept across restarts. Empty params clear them (a session's leave no"
        + " trace).",
    tags = {"ai", "params"},
    scope = "models.manage",
    rateTier = RateTier.STANDARD)
@ValidCase(
    name = "a session's temperature",
    request = "{\"session_id\": \"declared-case\", \"params\": {\"temperature\": 0.25, \"max_tokens\": 64}}",
    expect = {
      @Expect(path = "/session/temperature", equalTo = "0.25"),
      @Expect(path = "/effective/max_tokens", equalTo = "64")
    })
@InvalidCase(
    name = "top_p above 1",
    request = "{\"params\": {\"top_p\": 1.5}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "params.top_p")
@InvalidCase(
    name = "repeat_penalty 0, which llama.cpp would divide by",
    request = "{\"params\": {\"repeat_penalty\": 0}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "params.repeat_penalty")
@InvalidCase(name = "no params", request = "{\"session_id\": \"s\"}", code = ErrorCode.VALIDATION_ERROR, field = "params")
public final class SetParamsRoute implements RouteHandler<SetParamsRoute.Request, GetParamsRoute.Reply> {
  /**
   * @param sessionId the session whose defaults to replace; the global defaults if absent
   * @param params the new defaults; parameters left out are unset (the engine's default applies)
   */
  public record Request(@Size(min = 1, max = 256) String sessionId, @NotNull @Valid SamplingDefaults params) {}

  @Override
  public GetParamsRoute.Reply handle(Request request, RouteContext context) {
    AiPreferences preferences = context.service(AiPreferences.class);
    String session = request.sessionId();
    preferences.setDefaults(context.origin(), session, request.params());
    return new GetParamsRoute.Reply(
        preferences.globalDefaults(),
        session == null ? null : preferences.sessionDefaults(context.origin(), session),
        preferences.effectiveDefaults(context.origin(), session));
  }
}
