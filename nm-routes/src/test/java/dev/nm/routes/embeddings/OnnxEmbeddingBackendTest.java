package dev.nm.routes.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The default backend on the real all-MiniLM-L6-v2, against sentence-transformers' vectors for the same texts. */
class OnnxEmbeddingBackendTest {
  private static final String MODEL = OnnxEmbeddingBackend.DEFAULT_MODEL;

  private static OnnxEmbeddingBackend backend;
  private static List<String> texts;
  private static List<float[]> expected;
  private static int expectedTokens;
  private static EmbeddingResult batched;

  @BeforeAll
  static void embedTheReferenceTextsInOneBatch() {
    backend = new OnnxEmbeddingBackend(TestEmbeddingModel.modelsDir(), OnnxEmbeddingBackend.Options.defaults().withThreads(2));
    texts = new ArrayList<>();
    expected = new ArrayList<>();
    for (JsonNode entry : TestEmbeddingModel.reference().get("texts")) {
      texts.add(entry.get("text").textValue());
      expected.add(TestEmbeddingModel.floats(entry.get("embedding")));
      expectedTokens += entry.get("token_ids").size();
    }
    batched = backend.embed(MODEL, texts);
  }

  @AfterAll
  static void close() throws Exception {
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void vectorsHave384UnitLengthDimensions() {
    assertEquals(texts.size(), batched.vectors().size());
    for (float[] vector : batched.vectors()) {
      assertEquals(384, vector.length);
      assertEquals(1.0, Math.sqrt(dot(vector, vector)), 1e-5);
    }
  }

  @Test
  void vectorsMatchSentenceTransformersWithin1e3PerComponent() {
    for (int i = 0; i < texts.size(); i++) {
      float[] actual = batched.vectors().get(i);
      float worst = 0;
      for (int d = 0; d < actual.length; d++) {
        worst = Math.max(worst, Math.abs(actual[d] - expected.get(i)[d]));
      }
      assertTrue(worst < 1e-3, "max abs difference " + worst + " for: " + texts.get(i));
    }
  }

  @Test
  void everyParaphrasePairIsCloserThanEveryUnrelatedPair() {
    JsonNode reference = TestEmbeddingModel.reference();
    double leastParaphrase = 2;
    for (JsonNode pair : reference.get("paraphrases")) {
      leastParaphrase = Math.min(leastParaphrase, cosine(pair));
    }
    double mostUnrelated = -2;
    for (JsonNode pair : reference.get("unrelated")) {
      mostUnrelated = Math.max(mostUnrelated, cosine(pair));
    }
    assertTrue(
        leastParaphrase > mostUnrelated,
        "least similar paraphrases " + leastParaphrase + " <= most similar unrelated " + mostUnrelated);
  }

  @Test
  void aBatchEmbedsLikeOneTextAtATime() {
    for (int i = 0; i < texts.size(); i++) {
      float[] alone = backend.embed(MODEL, List.of(texts.get(i))).vectors().get(0);
      assertArrayEquals(alone, batched.vectors().get(i), 1e-5f, texts.get(i));
    }
  }

  @Test
  void keepsInputOrderWhateverTheLengths() {
    List<String> reversed = new ArrayList<>(texts);
    Collections.reverse(reversed);
    List<float[]> vectors = backend.embed(MODEL, reversed).vectors();
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(batched.vectors().get(i), vectors.get(texts.size() - 1 - i), 1e-5f, texts.get(i));
    }
  }

  @Test
  void countsTheTokensTheModelRead() {
    assertEquals(MODEL, batched.model());
    assertEquals(expectedTokens, batched.promptTokens());
    assertEquals(3, backend.embed(MODEL, List.of("Hi")).promptTokens());
  }

  @Test
  void listsTheInstalledModel() {
    assertTrue(backend.models().contains(MODEL), backend.models().toString());
  }

  @Test
  void anUnknownModelIsNotFound() {
    for (String name : List.of("no-such-model", "../models", "")) {
      RouteException e = assertThrows(RouteException.class, () -> backend.embed(name, List.of("a")));
      assertEquals(ErrorCode.NOT_FOUND, e.code(), name);
      assertEquals(Map.of("model", name), e.details());
    }
  }

  @Test
  void tooManyInputsIsAValidationErrorOnInput() throws Exception {
    try (OnnxEmbeddingBackend small =
        new OnnxEmbeddingBackend(TestEmbeddingModel.modelsDir(), OnnxEmbeddingBackend.Options.defaults().withMaxInputs(2))) {
      RouteException e = assertThrows(RouteException.class, () -> small.embed(MODEL, List.of("a", "b", "c")));
      assertEquals(ErrorCode.VALIDATION_ERROR, e.code());
      assertEquals("input", e.details().get("field"));
      assertEquals("input: must hold 1 to 2 texts, had 3; split it into smaller requests", e.getMessage());
    }
  }

  private double cosine(JsonNode pair) {
    Map<String, float[]> byText = new HashMap<>();
    for (int i = 0; i < texts.size(); i++) {
      byText.put(texts.get(i), batched.vectors().get(i));
    }
    float[] a = byText.get(pair.get(0).textValue());
    float[] b = byText.get(pair.get(1).textValue());
    return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }
}
