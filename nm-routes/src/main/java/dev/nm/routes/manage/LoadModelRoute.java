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
import dev.nm.routes.backend.BackendException;
import dev.nm.routes.embeddings.EmbeddingBackend;
import dev.nm.routes.models.LoadedModel;
import dev.nm.routes.models.ModelManager;
import dev.nm.routes.models.ModelNotFoundException;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Optional;

/** Loads a generation model now, so that the first request does not wait for it. */
@NativeRoute(
    name = "load_model",
    description = "Loads a generation or embedding model into memory (shared by every connection) and says how: context"
        + " size, slots, threads. Refused with BACKEND_ERROR if a generation model would not fit in the available memory.",
    tags = {"ai", "models"},
    scope = "models.manage",
    rateTier = RateTier.HEAVY)
@ValidCase(
    name = "loads the chat model",
    request = "{\"model\": \"SmolLM2-135M-Instruct.Q4_1\"}",
    expect = {
      @Expect(path = "/id", equalTo = "\"SmolLM2-135M-Instruct.Q4_1\""),
      @Expect(path = "/context_size", matches = "[1-9][0-9]*"),
      @Expect(path = "/slots", matches = "[1-9][0-9]*")
    })
@InvalidCase(name = "blank model", request = "{\"model\": \" \"}", code = ErrorCode.VALIDATION_ERROR, field = "model")
@InvalidCase(name = "unknown model", request = "{\"model\": \"no-such-model\"}", code = ErrorCode.NOT_FOUND)
public final class LoadModelRoute implements RouteHandler<LoadModelRoute.Request, LoadedModelView> {
  public record Request(@NotBlank @Size(max = 256) String model) {}

  @Override
  public LoadedModelView handle(Request request, RouteContext context) {
    Optional<EmbeddingBackend> embeddings = context.findService(EmbeddingBackend.class);
    if (embeddings.isPresent() && embeddings.get().models().contains(request.model())) {
      return LoadedModelView.of(embeddings.get().load(request.model()));
    }
    try {
      ModelManager models = context.service(ModelManager.class);
      LoadedModel loaded = models.load(request.model());
      return LoadedModelView.of(loaded, models.residentBytes(loaded.id()));
    } catch (ModelNotFoundException e) {
      throw new RouteException(ErrorCode.NOT_FOUND, e.getMessage()).withDetail("model", e.id());
    } catch (BackendException e) {
      throw RouteException.backend(e.getMessage(), e).withDetail("model", request.model());
    }
  }
}
