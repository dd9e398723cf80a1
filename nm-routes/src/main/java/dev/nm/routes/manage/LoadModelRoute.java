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
import dev.nm.routes.models.LoadRequest;
import dev.nm.routes.models.LoadRequestException;
import dev.nm.routes.models.LoadedModel;
import dev.nm.routes.models.ModelKind;
import dev.nm.routes.models.ModelManager;
import dev.nm.routes.models.ModelNotFoundException;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Optional;

/** Loads a model now, so that the first request does not wait for it; a generation model with options of its own. */
@NativeRoute(
    name = "load_model",
    description = "Loads a generation or embedding model into memory (shared by every connection) and says how: context"
        + " size, slots, threads. A generation model takes context_size, slots and threads (else the host's settings),"
        + " which it keeps until it is unloaded; asking for others while it is loaded is a VALIDATION_ERROR naming the"
        + " option. Refused with BACKEND_ERROR if a generation model would not fit in the available memory, and with"
        + " VALIDATION_ERROR if a .gguf file and an embedding model's directory share the name.",
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
@InvalidCase(
    name = "a context too short for a slot",
    request = "{\"model\": \"SmolLM2-135M-Instruct.Q4_1\", \"context_size\": 16, \"slots\": 4}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "context_size")
@InvalidCase(
    name = "no slots",
    request = "{\"model\": \"SmolLM2-135M-Instruct.Q4_1\", \"slots\": 0}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "slots")
@InvalidCase(name = "unknown model", request = "{\"model\": \"no-such-model\"}", code = ErrorCode.NOT_FOUND)
public final class LoadModelRoute implements RouteHandler<LoadModelRoute.Request, LoadedModelView> {
  /**
   * @param contextSize a generation model's context tokens, shared by its slots (each gets
   *     {@code context_size / slots}, at most what the model was trained on)
   * @param slots generations a generation model serves at once
   * @param threads CPU threads of a generation model
   */
  public record Request(
      @NotBlank @Size(max = 256) String model,
      @Min(16) @Max(1 << 20) Integer contextSize,
      @Min(1) @Max(64) Integer slots,
      @Min(1) @Max(256) Integer threads) {
    LoadRequest loadRequest() {
      return new LoadRequest(contextSize, slots, threads);
    }
  }

  @Override
  public LoadedModelView handle(Request request, RouteContext context) {
    Optional<EmbeddingBackend> embeddings = context.findService(EmbeddingBackend.class);
    if (embeddings.isPresent() && embeddings.get().models().contains(request.model())) {
      boolean generationToo = context.findService(ModelManager.class)
          .flatMap(models -> models.registry().find(request.model(), ModelKind.GENERATION))
          .isPresent();
      if (generationToo) {
        throw RouteException.validation("model", SharedModelId.problem(request.model(), "load_model"));
      }
      refuseGenerationOptions(request);
      return LoadedModelView.of(embeddings.get().load(request.model()));
    }
    try {
      ModelManager models = context.service(ModelManager.class);
      LoadedModel loaded =
          models.load(request.model(), request.loadRequest(), context.cancellation()::isCancelled)
              .orElseThrow(RouteException::cancelled);
      return LoadedModelView.of(loaded, models.residentBytes(loaded.id()));
    } catch (ModelNotFoundException e) {
      throw new RouteException(ErrorCode.NOT_FOUND, e.getMessage()).withDetail("model", e.id());
    } catch (LoadRequestException e) {
      throw RouteException.validation(e.option(), e.getMessage());
    } catch (BackendException e) {
      throw RouteException.backend(e.getMessage(), e).withDetail("model", request.model());
    }
  }

  private static void refuseGenerationOptions(Request request) {
    String option =
        request.contextSize() != null ? "context_size" : request.slots() != null ? "slots" : request.threads() != null ? "threads" : null;
    if (option != null) {
      throw RouteException.validation(
          option, "'" + request.model() + "' is an embedding model; " + option + " applies to generation models only");
    }
  }
}
