package dev.nm.routes.manage;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nm.host.HomeDirectories;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteException;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import dev.nm.routes.embeddings.EmbeddingBackend;
import dev.nm.routes.gguf.GgufMetadata;
import dev.nm.routes.models.LoadedModel;
import dev.nm.routes.models.ModelEntry;
import dev.nm.routes.models.ModelManager;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.stream.Stream;

/** Describes one model from its file's header, without loading it. */
@NativeRoute(
    name = "model_info",
    description = "Describes one model from its file header without loading it: architecture, parameters, quantization,"
        + " context length, tokenizer, chat template, size, and its load state. A name that a .gguf file and an embedding"
        + " model's directory share is a VALIDATION_ERROR saying which to rename.",
    tags = {"ai", "models"},
    rateTier = RateTier.LIGHT)
@ValidCase(
    name = "reads the GGUF header",
    request = "{\"model\": \"SmolLM2-135M-Instruct.Q4_1\"}",
    expect = {
      @Expect(path = "/file", equalTo = "\"SmolLM2-135M-Instruct.Q4_1.gguf\""),
      @Expect(path = "/architecture", equalTo = "\"llama\""),
      @Expect(path = "/parameter_count", equalTo = "134515008"),
      @Expect(path = "/quantization", equalTo = "\"Q4_1\""),
      @Expect(path = "/context_length", equalTo = "8192"),
      @Expect(path = "/tokenizer/vocabulary_size", equalTo = "49152")
    })
@InvalidCase(name = "blank model", request = "{\"model\": \"\"}", code = ErrorCode.VALIDATION_ERROR, field = "model")
@InvalidCase(name = "unknown model", request = "{\"model\": \"no-such-model\"}", code = ErrorCode.NOT_FOUND)
public final class ModelInfoRoute implements RouteHandler<ModelInfoRoute.Request, ModelInfoRoute.Reply> {
  public record Request(@NotBlank @Size(max = 256) String model) {}

  /**
   * @param file the model's file (for an ONNX model, its directory) relative to the host's models directory: an
   *     absolute path would tell every allowed extension the user's name and home
   * @param problem why the file cannot be used, if it cannot; the header fields are then absent
   * @param loaded the load state, if the model is loaded
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Reply(
      String id,
      String kind,
      String file,
      long sizeBytes,
      String name,
      String architecture,
      Long parameterCount,
      String quantization,
      Long contextLength,
      Tokenizer tokenizer,
      String chatTemplate,
      String problem,
      LoadedModelView loaded) {}

  /** @param addBosToken whether prompts start with a BOS token; absent if the file does not say */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Tokenizer(String model, Long vocabularySize, Boolean addBosToken) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    ModelManager models = context.service(ModelManager.class);
    List<ModelEntry> named = models.registry().named(request.model());
    if (named.isEmpty()) {
      throw RouteException.notFound("model", request.model());
    }
    if (named.size() > 1) {
      throw RouteException.validation("model", SharedModelId.problem(request.model(), "model_info"));
    }
    ModelEntry entry = named.get(0);
    Stream<LoadedModelView> embeddings =
        context.findService(EmbeddingBackend.class).stream().flatMap(b -> b.loaded().stream()).map(LoadedModelView::of);
    LoadedModelView loaded =
        Stream.concat(LoadedModelView.of(models), embeddings).filter(m -> m.id().equals(entry.id())).findFirst().orElse(null);
    String file = models.registry().directory().relativize(entry.path()).toString();
    GgufMetadata m = entry.metadata().orElse(null);
    if (m == null) {
      return new Reply(
          entry.id(), entry.kind().wireName(), file, entry.sizeBytes(), null, null, null, null, null,
          null, null, entry.problem().map(HomeDirectories.forThisUser()::redact).orElse(null), loaded);
    }
    return new Reply(
        entry.id(),
        entry.kind().wireName(),
        file,
        entry.sizeBytes(),
        m.name().orElse(null),
        m.architecture().orElse(null),
        m.parameterCount(),
        m.quantization().orElse(null),
        m.contextLength().orElse(null),
        new Tokenizer(m.tokenizerModel().orElse(null), m.vocabularySize().orElse(null), m.addBosToken().orElse(null)),
        m.chatTemplate().orElse(null),
        null,
        loaded);
  }
}
