package dev.nm.routes.manage;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import dev.nm.routes.embeddings.EmbeddingBackend;
import dev.nm.routes.models.ModelManager;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Unloads a model and frees its memory. A generation model's generations in progress end with finish reason
 * {@code cancelled}, and its engine process exits. An embedding model is unloaded once the calls using it finish.
 */
@NativeRoute(
    name = "unload_model",
    description = "Unloads a model; generations in progress on it end as cancelled. unloaded is false if it was not loaded.",
    tags = {"ai", "models"},
    scope = "models.manage",
    rateTier = RateTier.STANDARD)
@ValidCase(
    name = "a model that is not loaded",
    request = "{\"model\": \"not-loaded\"}",
    expect = {@Expect(path = "/model", equalTo = "\"not-loaded\""), @Expect(path = "/unloaded", equalTo = "false")})
@InvalidCase(name = "missing model", request = "{}", code = ErrorCode.VALIDATION_ERROR, field = "model")
public final class UnloadModelRoute implements RouteHandler<UnloadModelRoute.Request, UnloadModelRoute.Reply> {
  public record Request(@NotBlank @Size(max = 256) String model) {}

  public record Reply(String model, boolean unloaded) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    boolean unloaded =
        context.service(ModelManager.class).unload(request.model())
            || context.findService(EmbeddingBackend.class).map(b -> b.unload(request.model())).orElse(false);
    return new Reply(request.model(), unloaded);
  }
}
