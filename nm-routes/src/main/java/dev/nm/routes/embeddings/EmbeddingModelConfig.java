package dev.nm.routes.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How to run one embedding model, read from the {@code nm-model.json} beside its {@code model.onnx}:
 *
 * <pre>{@code
 * {"kind": "embedding", "dimensions": 384, "pooling": "mean", "normalize": true, "max_tokens": 256, "source": {...}}
 * }</pre>
 *
 * A directory without the file gets {@link #DEFAULT}: mean pooling, unit vectors, BERT's 512-token window.
 *
 * @param dimensions the vector length the model must produce, or 0 to take whatever it produces
 * @param pooling how token vectors become one text vector
 * @param normalize whether vectors are scaled to unit length
 * @param maxTokens the model's window, special tokens included; longer texts are truncated
 */
public record EmbeddingModelConfig(int dimensions, Pooling pooling, boolean normalize, int maxTokens) {
  public static final String FILE_NAME = "nm-model.json";
  public static final EmbeddingModelConfig DEFAULT = new EmbeddingModelConfig(0, Pooling.MEAN, true, 512);

  /** How the per-token vectors of the last hidden state become one vector per text. */
  public enum Pooling {
    /** The average of the vectors of the real (unpadded) tokens, as sentence-transformers' MiniLM models use. */
    MEAN,
    /** The vector of the first token, {@code [CLS]}, as the BGE models use. */
    CLS
  }

  public EmbeddingModelConfig {
    if (dimensions < 0 || maxTokens < 2) {
      throw new IllegalArgumentException("dimensions must be >= 0 and maxTokens >= 2");
    }
  }

  /** Reads {@code nm-model.json} in {@code modelDir}, or returns {@link #DEFAULT} if there is none. */
  public static EmbeddingModelConfig read(Path modelDir) throws IOException {
    Path file = modelDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return DEFAULT;
    }
    JsonNode root = Json.mapper().readTree(file.toFile());
    String kind = root.path("kind").asText("embedding");
    if (!kind.equals("embedding")) {
      throw new IOException(file + " describes a model of kind '" + kind + "', not an embedding model");
    }
    String pooling = root.path("pooling").asText(DEFAULT.pooling().name()).toUpperCase(Locale.ROOT);
    try {
      return new EmbeddingModelConfig(
          root.path("dimensions").asInt(DEFAULT.dimensions()),
          Pooling.valueOf(pooling),
          root.path("normalize").asBoolean(DEFAULT.normalize()),
          root.path("max_tokens").asInt(DEFAULT.maxTokens()));
    } catch (IllegalArgumentException e) {
      throw new IOException(
          file + " is invalid: pooling must be mean or cls, dimensions >= 0, max_tokens >= 2 (" + e.getMessage() + ")",
          e);
    }
  }
}
