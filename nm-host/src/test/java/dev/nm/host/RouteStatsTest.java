package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteStatsTest {
  @Test
  void countsCallsAndErrorsAndBucketsLatencies() {
    RouteStats stats = new RouteStats();
    for (int i = 1; i <= 100; i++) {
      stats.record("chrome-extension://a/", "chat", i * 1_000_000L, i % 10 == 0 ? "BACKEND_ERROR" : null);
    }
    stats.record("chrome-extension://a/", "hello", 50_000L, null);
    List<RouteStats.Snapshot> snapshot = stats.snapshot(origin -> true);
    assertEquals(List.of("chat", "hello"), snapshot.stream().map(RouteStats.Snapshot::route).toList());
    RouteStats.Snapshot chat = snapshot.get(0);
    assertEquals(100, chat.calls());
    assertEquals(Map.of("BACKEND_ERROR", 10L), chat.errors());
    // Each percentile is the upper bound of its bucket: within 10% above the true value.
    assertWithinBucket(50, chat.p50Millis());
    assertWithinBucket(90, chat.p90Millis());
    assertWithinBucket(99, chat.p99Millis());
    assertWithinBucket(0.05, snapshot.get(1).p50Millis());
  }

  @Test
  void eachOriginsCallsAreKeptApartAndMergedOnRequest() {
    RouteStats stats = new RouteStats();
    for (int i = 1; i <= 10; i++) {
      stats.record("a", "chat", 1_000_000L, null);
    }
    for (int i = 1; i <= 30; i++) {
      stats.record("b", "chat", 100_000_000L, i == 1 ? "CANCELLED" : null);
    }
    stats.record("", "chat", 1_000L, "FORBIDDEN");
    RouteStats.Snapshot a = stats.snapshot("a"::equals).get(0);
    assertEquals(10, a.calls());
    assertWithinBucket(1, a.p99Millis());
    RouteStats.Snapshot all = stats.snapshot(origin -> true).get(0);
    assertEquals(41, all.calls());
    assertEquals(Map.of("CANCELLED", 1L, "FORBIDDEN", 1L), all.errors());
    assertWithinBucket(100, all.p50Millis()); // 30 of 41 calls took 100 ms
    assertEquals(List.of(), stats.snapshot("c"::equals));
  }

  @Test
  void noCallsNoPercentiles() {
    assertEquals(List.of(), new RouteStats().snapshot(origin -> true));
  }

  private static void assertWithinBucket(double expectedMillis, double actualMillis) {
    if (actualMillis < expectedMillis || actualMillis > expectedMillis * 1.1) {
      throw new AssertionError("expected " + expectedMillis + " ms within one bucket, got " + actualMillis);
    }
  }
}
