package dev.nm.routes.generation;

import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.GenerationTimings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import org.HdrHistogram.DoubleHistogram;

/**
 * Per-model measurements of every finished generation that produced a token, since the host started: prompt and
 * completion tokens, time to first token, prompt (prefill) and decode rates. Kept per calling origin, as route
 * counts are ({@link dev.nm.host.RouteStats}): how much an extension generates, and from what prompts, is its own
 * business. Each distribution is an HdrHistogram with two significant digits: its memory does not grow with the
 * number of generations, and its mean and percentiles are accurate to 1%. Thread-safe.
 */
public final class GenerationMetrics {
  private static final int SIGNIFICANT_DIGITS = 2;
  private static final double NANOS_PER_SECOND = 1e9;
  private static final double NANOS_PER_MILLI = 1e6;

  private final ConcurrentMap<Key, ModelMetrics> models = new ConcurrentHashMap<>();

  /**
   * Records one finished generation of {@code model} for the caller {@code origin}; a generation that produced no
   * token is not counted.
   */
  public void record(String origin, String model, GenerationResult result) {
    if (result.completionTokens() > 0) {
      models.computeIfAbsent(new Key(origin, model), key -> new ModelMetrics()).record(result);
    }
  }

  /** The measurements of the generations of the origins {@code origins} accepts, by model, sorted by model id. */
  public List<ModelSnapshot> snapshot(Predicate<String> origins) {
    Map<String, ModelMetrics> merged = new TreeMap<>();
    models.forEach((key, metrics) -> {
      if (origins.test(key.origin())) {
        metrics.addTo(merged.computeIfAbsent(key.model(), model -> new ModelMetrics()));
      }
    });
    return merged.entrySet().stream().map(e -> e.getValue().snapshot(e.getKey())).toList();
  }

  private record Key(String origin, String model) {}

  /**
   * One model's measurements.
   *
   * @param generations generations that produced at least one token
   * @param promptTokens the tokens of their prompts, summed
   * @param completionTokens the tokens they generated, summed
   * @param timeToFirstTokenMillis from the model's generate call to the first token: waiting for a slot plus
   *     prefill (loading the model is not included)
   * @param promptTokensPerSecond prompt tokens divided by the prefill time
   * @param decodeTokensPerSecond the tokens after the first divided by the time from the first to the last; a
   *     generation of one token has no decode rate
   */
  public record ModelSnapshot(
      String model,
      long generations,
      long promptTokens,
      long completionTokens,
      Distribution timeToFirstTokenMillis,
      Distribution promptTokensPerSecond,
      Distribution decodeTokensPerSecond) {}

  /** @param count values measured; the statistics are 0 when it is */
  public record Distribution(long count, double mean, double p50, double p90) {
    static Distribution of(DoubleHistogram histogram) {
      long count = histogram.getTotalCount();
      if (count == 0) {
        return new Distribution(0, 0, 0, 0);
      }
      return new Distribution(
          count, histogram.getMean(), histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(90));
    }
  }

  private static final class ModelMetrics {
    private final DoubleHistogram timeToFirstTokenMillis = new DoubleHistogram(SIGNIFICANT_DIGITS);
    private final DoubleHistogram promptTokensPerSecond = new DoubleHistogram(SIGNIFICANT_DIGITS);
    private final DoubleHistogram decodeTokensPerSecond = new DoubleHistogram(SIGNIFICANT_DIGITS);
    private long generations;
    private long promptTokens;
    private long completionTokens;

    synchronized void record(GenerationResult result) {
      GenerationTimings timings = result.timings();
      generations++;
      promptTokens += result.promptTokens();
      completionTokens += result.completionTokens();
      timeToFirstTokenMillis.recordValue(timings.timeToFirstToken().toNanos() / NANOS_PER_MILLI);
      recordRate(promptTokensPerSecond, result.promptTokens(), timings.prefill());
      recordRate(decodeTokensPerSecond, result.completionTokens() - 1, timings.decode());
    }

    /** Adds these measurements to {@code sum}, a metrics no other thread sees yet. */
    synchronized void addTo(ModelMetrics sum) {
      sum.generations += generations;
      sum.promptTokens += promptTokens;
      sum.completionTokens += completionTokens;
      sum.timeToFirstTokenMillis.add(timeToFirstTokenMillis);
      sum.promptTokensPerSecond.add(promptTokensPerSecond);
      sum.decodeTokensPerSecond.add(decodeTokensPerSecond);
    }

    synchronized ModelSnapshot snapshot(String model) {
      return new ModelSnapshot(
          model,
          generations,
          promptTokens,
          completionTokens,
          Distribution.of(timeToFirstTokenMillis),
          Distribution.of(promptTokensPerSecond),
          Distribution.of(decodeTokensPerSecond));
    }

    private static void recordRate(DoubleHistogram histogram, long tokens, Duration time) {
      if (tokens > 0 && time.toNanos() > 0) {
        histogram.recordValue(tokens * NANOS_PER_SECOND / time.toNanos());
      }
    }
  }
}
