package dev.nm.host;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Per-route call counts, errors by code, and latency percentiles since the server started, kept per calling
 * origin, so that each origin can be shown its own calls. Latencies go into fixed logarithmic buckets (each about
 * 10% wide, from 1 µs to over an hour), so memory per origin and route is constant and a percentile is accurate to
 * one bucket. Thread-safe; recording never blocks.
 */
public final class RouteStats {
  private static final double GROWTH = 1.1;
  private static final int BUCKETS = 240;

  private final Instant since = Instant.now();
  private final ConcurrentMap<Key, Route> routes = new ConcurrentHashMap<>();

  /** When counting began. */
  public Instant since() {
    return since;
  }

  /**
   * Records one finished call.
   *
   * @param origin the caller's origin; {@code ""} for a call no origin should be shown, such as one refused
   *     because its origin is not allowed (any process of the user can claim any origin on the socket, and each
   *     would add counters)
   * @param errorCode the failure's code, or null for a success
   */
  public void record(String origin, String route, long latencyNanos, String errorCode) {
    Route stats = routes.computeIfAbsent(new Key(origin, route), key -> new Route());
    stats.calls.increment();
    if (errorCode != null) {
      stats.errors.computeIfAbsent(errorCode, code -> new LongAdder()).increment();
    }
    stats.latency.incrementAndGet(bucketOf(latencyNanos));
  }

  /** The counters of every route the origins {@code origins} accepts have called, sorted by route name. */
  public List<Snapshot> snapshot(Predicate<String> origins) {
    Map<String, Route> merged = new TreeMap<>();
    routes.forEach((key, route) -> {
      if (origins.test(key.origin())) {
        route.addTo(merged.computeIfAbsent(key.route(), name -> new Route()));
      }
    });
    return merged.entrySet().stream().map(e -> e.getValue().snapshot(e.getKey())).toList();
  }

  private record Key(String origin, String route) {}

  /**
   * One route's counters.
   *
   * @param errors failures by error code, sorted by code
   * @param p50Millis median latency from the moment the request was read to its reply, time queued for a
   *     worker included
   */
  public record Snapshot(
      String route, long calls, Map<String, Long> errors, double p50Millis, double p90Millis, double p99Millis) {}

  static int bucketOf(long nanos) {
    double micros = Math.max(1.0, nanos / 1000.0);
    int bucket = (int) Math.ceil(Math.log(micros) / Math.log(GROWTH));
    return Math.min(bucket, BUCKETS - 1);
  }

  /** The upper bound of a bucket, in milliseconds. */
  static double upperBoundMillis(int bucket) {
    return Math.pow(GROWTH, bucket) / 1000.0;
  }

  private static final class Route {
    final LongAdder calls = new LongAdder();
    final ConcurrentMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    final AtomicLongArray latency = new AtomicLongArray(BUCKETS);

    void addTo(Route sum) {
      sum.calls.add(calls.sum());
      errors.forEach((code, count) -> sum.errors.computeIfAbsent(code, c -> new LongAdder()).add(count.sum()));
      for (int i = 0; i < BUCKETS; i++) {
        sum.latency.addAndGet(i, latency.get(i));
      }
    }

    Snapshot snapshot(String name) {
      long[] counts = new long[BUCKETS];
      long total = 0;
      for (int i = 0; i < BUCKETS; i++) {
        counts[i] = latency.get(i);
        total += counts[i];
      }
      Map<String, Long> errorCounts = new TreeMap<>();
      errors.forEach((code, count) -> errorCounts.put(code, count.sum()));
      return new Snapshot(
          name,
          calls.sum(),
          errorCounts,
          percentile(counts, total, 0.50),
          percentile(counts, total, 0.90),
          percentile(counts, total, 0.99));
    }

    private static double percentile(long[] counts, long total, double quantile) {
      if (total == 0) {
        return 0;
      }
      long rank = (long) Math.ceil(quantile * total);
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return upperBoundMillis(i);
        }
      }
      return upperBoundMillis(counts.length - 1);
    }
  }
}
