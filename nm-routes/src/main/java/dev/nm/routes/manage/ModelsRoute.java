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
import dev.nm.routes.embeddings.EmbeddingsRoute;
import dev.nm.routes.generation.GenerationService;
import dev.nm.routes.models.LoadedModel;
import dev.nm.routes.models.ModelEntry;
import dev.nm.routes.models.ModelKind;
import dev.nm.routes.models.ModelManager;
import jakarta.validation.constraints.Pattern;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Lists the models in the host's models directory: GGUF generation models and ONNX embedding models. */
@NativeRoute(
    name = "models",
    description = "Lists the models in the models directory (OpenAI's model list) with their kind, size, whether each is"
        + " loaded and which is the default.",
    tags = {"ai", "models"},
    rateTier = RateTier.LIGHT)
@ValidCase(
    name = "lists the chat model",
    request = "{\"kind\": \"generation\"}",
    expect = {
      @Expect(path = "/object", equalTo = "\"list\""),
      @Expect(path = "/data/0/id", equalTo = "\"SmolLM2-135M-Instruct.Q4_1\""),
      @Expect(path = "/data/0/kind", equalTo = "\"generation\""),
      @Expect(path = "/data/0/size_bytes", equalTo = "98362432")
    })
@InvalidCase(name = "unknown kind", request = "{\"kind\": \"vision\"}", code = ErrorCode.VALIDATION_ERROR, field = "kind")
public final class ModelsRoute implements RouteHandler<ModelsRoute.Request, ModelsRoute.Reply> {
  /** @param kind {@code generation} or {@code embedding}; all if absent */
  public record Request(@Pattern(regexp = "generation|embedding", message = "must be generation or embedding") String kind) {}

  public record Reply(String object, List<ModelView> data) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    ModelManager models = context.service(ModelManager.class);
    Optional<EmbeddingBackend> embeddings = context.findService(EmbeddingBackend.class);
    Set<String> loaded = models.loaded().stream().map(LoadedModel::id).collect(Collectors.toCollection(HashSet::new));
    embeddings.ifPresent(b -> b.loaded().forEach(m -> loaded.add(m.id())));
    // The models a request naming none is served by: the selected ones, else each kind's own fallback.
    String generationDefault = context.service(GenerationService.class).defaultModel().orElse(null);
    String embeddingDefault = embeddings.map(backend -> EmbeddingsRoute.defaultModel(context, backend)).orElse(null);
    List<ModelEntry> all = models.registry().list();
    Map<String, Long> named = all.stream().collect(Collectors.groupingBy(ModelEntry::id, Collectors.counting()));
    List<ModelView> data =
        all.stream()
            .filter(m -> request.kind() == null || m.kind().wireName().equals(request.kind()))
            .map(m -> ModelView.of(
                m,
                loaded.contains(m.id()),
                m.id().equals(m.kind() == ModelKind.GENERATION ? generationDefault : embeddingDefault),
                named.get(m.id()) > 1 ? Optional.of(SharedModelId.problem(m.id(), "model_info and load_model")) : Optional.empty()))
            .toList();
    return new Reply("list", data);
  }
}
