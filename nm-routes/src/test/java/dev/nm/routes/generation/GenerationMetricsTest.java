package dev.nm.routes.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nm.routes.backend.FinishReason;
import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.GenerationTimings;
import dev.nm.routes.generation.GenerationMetrics.Distribution;
import dev.nm.routes.generation.GenerationMetrics.ModelSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GenerationMetricsTest {
  /** HdrHistogram with two significant digits: every statistic within 1%. */
  private static final double ONE_PERCENT = 0.01;

  private static final String ORIGIN = "chrome-extension://metrics-test/";
  private final GenerationMetrics metrics = new GenerationMetrics();

  private static GenerationResult result(int promptTokens, int completionTokens, long queuedMs, long prefillMs, long decodeMs) {
    return new GenerationResult(
        "text",
        FinishReason.STOP,
        promptTokens,
        completionTokens,
        new GenerationTimings(Duration.ofMillis(queuedMs), Duration.ofMillis(prefillMs), Duration.ofMillis(decodeMs)));
  }

  private static void assertDistribution(long count, double mean, double p50, double p90, Distribution actual) {
    assertEquals(count, actual.count(), "count");
    assertEquals(mean, actual.mean(), mean * ONE_PERCENT, "mean");
    assertEquals(p50, actual.p50(), p50 * ONE_PERCENT, "p50");
    assertEquals(p90, actual.p90(), p90 * ONE_PERCENT, "p90");
  }

  @Test
  void summarisesEachModelsGenerations() {
    metrics.record(ORIGIN, "small", result(100, 11, 10, 50, 100)); // 2,000 prompt tok/s, 100 decode tok/s, TTFT 60 ms
    metrics.record(ORIGIN, "small", result(300, 21, 0, 100, 400)); // 3,000 prompt tok/s, 50 decode tok/s, TTFT 100 ms
    metrics.record(ORIGIN, "large", result(10, 2, 0, 20, 10)); // 500 prompt tok/s, 100 decode tok/s, TTFT 20 ms

    List<ModelSnapshot> snapshot = metrics.snapshot(origin -> true);
    assertEquals(List.of("large", "small"), snapshot.stream().map(ModelSnapshot::model).toList());
    ModelSnapshot small = snapshot.get(1);
    assertEquals(2, small.generations());
    assertEquals(400, small.promptTokens());
    assertEquals(32, small.completionTokens());
    assertDistribution(2, 80, 60, 100, small.timeToFirstTokenMillis());
    assertDistribution(2, 2_500, 2_000, 3_000, small.promptTokensPerSecond());
    assertDistribution(2, 75, 50, 100, small.decodeTokensPerSecond());
    assertDistribution(1, 100, 100, 100, snapshot.get(0).decodeTokensPerSecond());
  }

  @Test
  void aGenerationWithoutTokensIsNotCounted() {
    GenerationTimings queuedOnly = new GenerationTimings(Duration.ofMillis(5), Duration.ZERO, Duration.ZERO);
    metrics.record(ORIGIN, "small", new GenerationResult("", FinishReason.CANCELLED, 40, 0, queuedOnly));
    assertEquals(List.of(), metrics.snapshot(origin -> true));
  }

  @Test
  void aSingleTokenHasATimeToFirstTokenButNoDecodeRate() {
    metrics.record(ORIGIN, "small", result(8, 1, 0, 40, 0));
    ModelSnapshot small = metrics.snapshot(origin -> true).get(0);
    assertEquals(1, small.generations());
    assertDistribution(1, 40, 40, 40, small.timeToFirstTokenMillis());
    assertDistribution(1, 200, 200, 200, small.promptTokensPerSecond());
    assertEquals(new Distribution(0, 0, 0, 0), small.decodeTokensPerSecond());
  }

  @Test
  void concurrentRecordsAreAllCounted() {
    CompletableFuture<?>[] writers =
        IntStream.range(0, 4)
            .mapToObj(
                i -> CompletableFuture.runAsync(
                    () -> IntStream.range(0, 500).forEach(n -> metrics.record(ORIGIN, "small", result(10, 3, 1, 10, 20)))))
            .toArray(CompletableFuture[]::new);
    CompletableFuture.allOf(writers).join();
    ModelSnapshot small = metrics.snapshot(origin -> true).get(0);
    assertEquals(2_000, small.generations());
    assertEquals(6_000, small.completionTokens());
    assertEquals(2_000, small.decodeTokensPerSecond().count());
  }

  /** Each origin's generations are its own: the snapshot of one origin leaves the other's out, all of them sum. */
  @Test
  void eachOriginHasItsOwnMeasurementsAndTheirSumIsEveryones() {
    String other = "chrome-extension://other/";
    metrics.record(ORIGIN, "small", result(100, 11, 10, 50, 100));
    metrics.record(other, "small", result(300, 21, 0, 100, 400));
    metrics.record(other, "large", result(10, 2, 0, 20, 10));

    List<ModelSnapshot> mine = metrics.snapshot(ORIGIN::equals);
    assertEquals(1, mine.size());
    assertEquals(100, mine.get(0).promptTokens());
    assertEquals(1, mine.get(0).generations());
    List<ModelSnapshot> all = metrics.snapshot(origin -> true);
    assertEquals(List.of("large", "small"), all.stream().map(ModelSnapshot::model).toList());
    assertEquals(400, all.get(1).promptTokens());
    assertEquals(2, all.get(1).timeToFirstTokenMillis().count());
  }
}
