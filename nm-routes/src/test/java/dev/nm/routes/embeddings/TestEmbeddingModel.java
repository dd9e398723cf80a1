package dev.nm.routes.embeddings;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.HostPaths;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real embedding model, fetched by {@code scripts/models/fetch-embedding-model.sh}, and the reference that
 * sentence-transformers computed with it ({@code bench/embeddings/make_reference.py}). Tests that need the model
 * are skipped when it is absent, unless {@code NM_REQUIRE_MODELS} is set (as in CI): then they fail.
 */
final class TestEmbeddingModel {
  private TestEmbeddingModel() {}

  /** The models directory holding the default embedding model. */
  static Path modelsDir() {
    Path modelsDir = HostPaths.fromEnvironment().modelsDir();
    Path model = modelsDir.resolve(OnnxEmbeddingBackend.DEFAULT_MODEL);
    boolean present = Files.isRegularFile(model.resolve(OnnxEmbeddingModel.MODEL_FILE));
    String hint = model + " is missing; run scripts/models/fetch-embedding-model.sh";
    if (System.getenv("NM_REQUIRE_MODELS") != null) {
      assertTrue(present, hint);
    } else {
      assumeTrue(present, hint);
    }
    return modelsDir;
  }

  /** The default model's tokenizer. */
  static BertTokenizer tokenizer() throws IOException {
    return BertTokenizer.load(modelsDir().resolve(OnnxEmbeddingBackend.DEFAULT_MODEL).resolve("tokenizer.json"));
  }

  /** {@code embeddings/reference-minilm.json}: texts, their token ids and sentence-transformers' vectors. */
  static JsonNode reference() {
    try (InputStream in = TestEmbeddingModel.class.getResourceAsStream("/embeddings/reference-minilm.json")) {
      return Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).intValue();
    }
    return values;
  }

  static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).floatValue();
    }
    return values;
  }
}
