package dev.nm.routes.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.ErrorCode;
import dev.nm.routes.models.ModelKind;
import dev.nm.routes.settings.AiPreferences;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RequestValidator;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteException;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import dev.nm.route.Violations;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Embeds texts as vectors, in the shape of OpenAI's embeddings API: one string or an array of strings in, one
 * vector per text out, with the tokens the model read. Texts longer than the model's window are truncated. A
 * model named by the request must be installed; without one, the backend's default model is used.
 */
@NativeRoute(name = "embeddings", tags = {"embeddings"}, rateTier = RateTier.HEAVY)
@ValidCase(
    name = "embeds one string",
    request = "{\"input\": \"Hi\"}",
    expect = {
      @Expect(path = "/object", equalTo = "\"list\""),
      @Expect(path = "/data/0/object", equalTo = "\"embedding\""),
      @Expect(path = "/data/0/index", equalTo = "0"),
      @Expect(path = "/data/0/embedding/383"),
      @Expect(path = "/model", equalTo = "\"all-minilm-l6-v2\""),
      @Expect(path = "/usage", equalTo = "{\"prompt_tokens\": 3, \"total_tokens\": 3}")
    })
@ValidCase(
    name = "embeds an array in order",
    request = "{\"input\": [\"The cat sits on the mat.\", \"Hi\"], \"model\": \"all-minilm-l6-v2\"}",
    expect = {
      @Expect(path = "/data/1/index", equalTo = "1"),
      @Expect(path = "/data/1/embedding/383"),
      @Expect(path = "/usage/prompt_tokens", equalTo = "12")
    })
@ValidCase(
    name = "takes OpenAI's user, and dimensions where they are the model's",
    request = "{\"input\": \"Hi\", \"user\": \"user-1\", \"dimensions\": 384}",
    expect = {@Expect(path = "/data/0/embedding/383"), @Expect(path = "/usage/prompt_tokens", equalTo = "3")})
@ValidCase(
    name = "encodes vectors as base64 little-endian float32",
    request = "{\"input\": \"Hi\", \"encoding_format\": \"base64\"}",
    expect = @Expect(path = "/data/0/embedding", matches = "[A-Za-z0-9+/]{2048}"))
@InvalidCase(name = "input is required", request = "{}", field = "input")
@InvalidCase(name = "input must not be empty", request = "{\"input\": []}", field = "input")
@InvalidCase(name = "texts must not be empty", request = "{\"input\": [\"a\", \"\"]}", field = "input[1]")
@InvalidCase(name = "token arrays are not supported", request = "{\"input\": [[101, 102]]}", field = "input[0]")
@InvalidCase(name = "input is text", request = "{\"input\": 42}", field = "input")
@InvalidCase(name = "encoding_format is float or base64", request = "{\"input\": \"a\", \"encoding_format\": \"int8\"}", field = "encoding_format")
@InvalidCase(name = "unknown model", request = "{\"input\": \"a\", \"model\": \"no-such-model\"}", code = ErrorCode.NOT_FOUND)
@InvalidCase(name = "dimensions the model cannot give", request = "{\"input\": \"a\", \"dimensions\": 256}", field = "dimensions")
public final class EmbeddingsRoute
    implements RouteHandler<EmbeddingsRoute.Request, EmbeddingsRoute.Reply>, RequestValidator<EmbeddingsRoute.Request> {
  /**
   * @param input a text, or an array of texts to embed in one call (at most the backend's limit, 2,048 by default)
   * @param model the embedding model; the backend's default model if absent
   * @param encodingFormat {@code float} (the default) for arrays of numbers, or {@code base64} for the
   *     little-endian float32 bytes of each vector in base64, a third of the size
   * @param dimensions the vectors' length, as OpenAI's models take it: accepted when it is the model's own (the
   *     models here cannot shorten their vectors)
   * @param user the end user, as OpenAI's clients send it; accepted and not used
   */
  public record Request(
      @NotNull JsonNode input,
      @Size(min = 1) String model,
      @Pattern(regexp = "float|base64") String encodingFormat,
      @Positive Integer dimensions,
      @Size(max = 256) String user) {}

  /**
   * @param object always {@code list}
   * @param data one embedding per input text, in input order
   * @param model the model that produced the vectors
   * @param usage the tokens the model read
   */
  public record Reply(String object, List<Embedding> data, String model, Usage usage) {}

  /**
   * @param object always {@code embedding}
   * @param index the position of its text in {@code input}
   * @param embedding the vector: an array of numbers, or a base64 string for {@code encoding_format: base64}
   */
  public record Embedding(String object, int index, Object embedding) {}

  /**
   * @param promptTokens tokens read from the inputs after truncation, the model's special tokens included
   * @param totalTokens the same as {@code prompt_tokens}: embedding generates nothing
   */
  public record Usage(int promptTokens, int totalTokens) {}

  @Override
  public void validate(Request request, Violations violations) {
    JsonNode input = request.input();
    if (input.isTextual()) {
      if (input.textValue().isEmpty()) {
        violations.add("input", "must not be empty");
      }
    } else if (input.isArray()) {
      if (input.isEmpty()) {
        violations.add("input", "must hold at least one text");
      }
      // The first bad text only: an array of 8,000 token ids would otherwise get 8,000 violations.
      for (int i = 0; i < input.size(); i++) {
        JsonNode text = input.get(i);
        if (!text.isTextual()) {
          violations.add("input[" + i + "]", "must be a string; arrays of token ids are not supported, send the text");
          break;
        } else if (text.textValue().isEmpty()) {
          violations.add("input[" + i + "]", "must not be empty");
          break;
        }
      }
    } else {
      violations.add("input", "must be a string or an array of strings");
    }
  }

  /**
   * The embedding model a request naming none is served by: the one chosen with {@code select_model} (on hosts that
   * keep preferences) while the backend still has it, else the backend's default, as for generation models.
   */
  public static String defaultModel(RouteContext context, EmbeddingBackend backend) {
    return context.findService(AiPreferences.class)
        .flatMap(preferences -> preferences.defaultModel(ModelKind.EMBEDDING))
        .filter(id -> backend.models().contains(id))
        .orElse(backend.defaultModel());
  }

  @Override
  public Reply handle(Request request, RouteContext context) {
    EmbeddingBackend backend = context.service(EmbeddingBackend.class);
    List<String> texts = texts(request.input());
    String model = request.model() != null ? request.model() : defaultModel(context, backend);
    context.cancellation().throwIfCancelled();
    if (request.dimensions() != null) {
      int length = backend.load(model).dimensions();
      if (request.dimensions() != length) {
        throw RouteException.validation(
            "dimensions",
            "'" + model + "' gives vectors of " + length + " dimensions and cannot shorten them; leave dimensions out or"
                + " set it to " + length);
      }
    }
    EmbeddingResult result = backend.embed(model, texts, context.cancellation()::isCancelled);
    boolean base64 = "base64".equals(request.encodingFormat());
    List<Embedding> data = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      float[] vector = result.vectors().get(i);
      data.add(new Embedding("embedding", i, base64 ? base64(vector) : vector));
    }
    return new Reply("list", data, result.model(), new Usage(result.promptTokens(), result.promptTokens()));
  }

  private static List<String> texts(JsonNode input) {
    if (input.isTextual()) {
      return List.of(input.textValue());
    }
    List<String> texts = new ArrayList<>(input.size());
    input.forEach(text -> texts.add(text.textValue()));
    return texts;
  }

  private static String base64(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(vector);
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
