package dev.nm.routes.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nm.routes.MovableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link OnnxEmbeddingBackend#unloadIdle} on the real all-MiniLM-L6-v2, with a clock the test moves. */
class EmbeddingIdleUnloadTest {
  private static final String MODEL = OnnxEmbeddingBackend.DEFAULT_MODEL;
  private static final Duration LIMIT = Duration.ofMinutes(5);

  private final MovableClock clock = new MovableClock();

  @Test
  void aModelUnusedForLongerThanTheLimitIsUnloadedAndLoadsAgainOnItsNextUse() {
    try (OnnxEmbeddingBackend backend =
        new OnnxEmbeddingBackend(TestEmbeddingModel.modelsDir(), OnnxEmbeddingBackend.Options.defaults().withThreads(1), clock)) {
      backend.embed(MODEL, List.of("first use"));
      clock.advance(LIMIT);
      assertEquals(0, backend.unloadIdle(LIMIT), "used exactly the limit ago: kept");
      backend.embed(MODEL, List.of("used again, which restarts the count"));
      clock.advance(LIMIT.minusSeconds(1));
      assertEquals(0, backend.unloadIdle(LIMIT));
      assertEquals(1, backend.loaded().size());

      clock.advance(Duration.ofSeconds(2));
      assertEquals(1, backend.unloadIdle(LIMIT));
      assertEquals(List.of(), backend.loaded());

      assertEquals(384, backend.embed(MODEL, List.of("loads again")).vectors().get(0).length);
      assertEquals(clock.instant(), backend.loaded().get(0).loadedAt());
    }
  }
}
