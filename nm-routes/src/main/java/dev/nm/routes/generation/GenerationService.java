package dev.nm.routes.generation;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteException;
import dev.nm.routes.backend.BackendException;
import dev.nm.routes.backend.ContextOverflowException;
import dev.nm.routes.backend.FinishReason;
import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.GenerationTimings;
import dev.nm.routes.backend.OutputSchemaException;
import dev.nm.routes.backend.SamplingParams;
import dev.nm.routes.backend.TokenListener;
import dev.nm.routes.models.ModelEntry;
import dev.nm.routes.models.ModelKind;
import dev.nm.routes.models.ModelManager;
import dev.nm.routes.models.ModelNotFoundException;
import dev.nm.routes.settings.AiPreferences;
import dev.nm.routes.settings.SamplingDefaults;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What the inference routes ({@code chat}, {@code generate}, {@code responses}) share: picks the model, applies
 * the caller's defaults, runs the generation (a conversation's in one call to the model, which renders it with its
 * chat template: {@link Prompt#generate}) where {@code stop_generation} can reach it,
 * records its measurements in {@link GenerationMetrics}, and turns engine failures into the protocol's errors.
 */
public final class GenerationService {
  private final ModelManager models;
  private final AiPreferences preferences;
  private final ActiveGenerations active;
  private final GenerationMetrics metrics;

  public GenerationService(
      ModelManager models, AiPreferences preferences, ActiveGenerations active, GenerationMetrics metrics) {
    this.models = models;
    this.preferences = preferences;
    this.active = active;
    this.metrics = metrics;
  }

  /**
   * The model a request naming none is served by: the one selected with {@code select_model} while the models
   * directory holds it, else the first usable generation model there; empty if there is neither.
   */
  public Optional<String> defaultModel() {
    return selectedModel()
        .filter(id -> models.registry().hasUsable(id, ModelKind.GENERATION))
        .or(() -> models.registry().firstUsable(ModelKind.GENERATION).map(ModelEntry::id));
  }

  /** The generation model chosen with {@code select_model}, whether or not the models directory still holds it. */
  public Optional<String> selectedModel() {
    return preferences.defaultModel(ModelKind.GENERATION);
  }

  /** The model a request naming {@code requested} (or null) is served by. */
  public String resolveModel(String requested) {
    if (requested != null) {
      return requested;
    }
    return defaultModel()
        .orElseThrow(
            () -> new RouteException(
                    ErrorCode.NOT_FOUND,
                    "no generation model in " + models.registry().directory()
                        + "; run scripts/models/fetch-chat-model.sh or copy a .gguf file there")
                .withDetail("models_dir", models.registry().directory().toString()));
  }

  /**
   * Generates for one call, passing text to {@code listener} as it is decoded. Ends early, with finish reason
   * {@code cancelled}, when the call is cancelled or {@code stop_generation} names it.
   *
   * @throws RouteException {@code NOT_FOUND} for an unknown model, {@code VALIDATION_ERROR} (on the prompt's
   *     field) for a conversation the chat template refuses or a prompt that does not fit the context, and (on its
   *     field) for an output schema the engine cannot keep to, {@code BACKEND_ERROR} if the engine fails
   */
  public Completion generate(GenerationRequest request, RouteContext context, TokenListener listener) {
    String model = resolveModel(request.model());
    try (ActiveGenerations.Generation generation =
        active.start(context, request.sessionId(), model)) {
      BooleanSupplier cancelled = () -> generation.stopRequested() || context.cancellation().isCancelled();
      TokenListener counting = TokenListener.counting((text, tokens) -> {
        generation.countPiece(tokens);
        listener.onText(text, tokens);
      });
      long started = System.nanoTime();
      GenerationResult result =
          models.use(
                  model,
                  cancelled,
                  engine -> request.prompt().generate(engine, sampling(request, context), counting, cancelled))
              .orElseGet(() -> stoppedWhileTheModelLoaded(started));
      metrics.record(context.origin(), model, result);
      return new Completion(model, result);
    } catch (ModelNotFoundException e) {
      throw new RouteException(ErrorCode.NOT_FOUND, e.getMessage()).withDetail("model", e.id());
    } catch (OutputSchemaException e) {
      throw RouteException.validation(request.outputSchema().field(), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw RouteException.validation(request.prompt().field(), e.getMessage());
    } catch (ContextOverflowException e) {
      throw RouteException.validation(request.prompt().field(), e.getMessage())
          .withDetail("prompt_tokens", e.promptTokens())
          .withDetail("context_tokens", e.contextSize());
    } catch (BackendException e) {
      throw RouteException.backend(e.getMessage(), e).withDetail("model", model);
    }
  }

  private static GenerationResult stoppedWhileTheModelLoaded(long startedNanos) {
    Duration waited = Duration.ofNanos(System.nanoTime() - startedNanos);
    return new GenerationResult("", FinishReason.CANCELLED, 0, 0, new GenerationTimings(waited, Duration.ZERO, Duration.ZERO));
  }

  /**
   * The sampling a request of the caller's session gets: each of {@code requested}'s fields, else the session's or
   * global default ({@code set_params}); a field still null is the engine's own default. A route that reports the
   * values it generated with (as {@code responses} does) passes the result on as its request's sampling.
   */
  public SamplingDefaults effectiveSampling(SamplingDefaults requested, RouteContext context, String sessionId) {
    return requested.or(preferences.effectiveDefaults(context.origin(), sessionId));
  }

  private SamplingParams sampling(GenerationRequest request, RouteContext context) {
    SamplingParams params = effectiveSampling(request.sampling(), context, request.sessionId()).toParams(request.stop());
    return request.outputSchema() == null ? params : params.withJsonSchema(request.outputSchema().json());
  }
}
