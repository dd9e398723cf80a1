package dev.nm.routes.manage;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteException;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import dev.nm.routes.models.ModelKind;
import dev.nm.routes.models.ModelRegistry;
import dev.nm.routes.settings.AiPreferences;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Locale;

/** Chooses the model that serves requests naming none; remembered across restarts. */
@NativeRoute(
    name = "select_model",
    description = "Sets the default generation or embedding model, used when a request names none; kept across restarts.",
    tags = {"ai", "models"},
    scope = "models.manage",
    rateTier = RateTier.STANDARD)
@ValidCase(
    name = "selects the chat model",
    request = "{\"model\": \"SmolLM2-135M-Instruct.Q4_1\"}",
    expect = {
      @Expect(path = "/kind", equalTo = "\"generation\""),
      @Expect(path = "/model", equalTo = "\"SmolLM2-135M-Instruct.Q4_1\"")
    })
@InvalidCase(name = "unknown kind", request = "{\"model\": \"m\", \"kind\": \"audio\"}", code = ErrorCode.VALIDATION_ERROR, field = "kind")
@InvalidCase(name = "unknown model", request = "{\"model\": \"no-such-model\"}", code = ErrorCode.NOT_FOUND)
public final class SelectModelRoute implements RouteHandler<SelectModelRoute.Request, SelectModelRoute.Reply> {
  /** @param kind {@code generation} (default) or {@code embedding} */
  public record Request(
      @NotBlank @Size(max = 256) String model,
      @Pattern(regexp = "generation|embedding", message = "must be generation or embedding") String kind) {}

  public record Reply(String kind, String model) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    ModelKind kind = request.kind() == null ? ModelKind.GENERATION : ModelKind.valueOf(request.kind().toUpperCase(Locale.ROOT));
    ModelRegistry registry = context.service(ModelRegistry.class);
    registry
        .find(request.model(), kind)
        .orElseThrow(() -> RouteException.notFound(kind.wireName() + " model", request.model()).withDetail("model", request.model()));
    context.service(AiPreferences.class).selectModel(kind, request.model());
    return new Reply(kind.wireName(), request.model());
  }
}
