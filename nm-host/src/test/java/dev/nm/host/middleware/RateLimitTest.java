package dev.nm.host.middleware;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RateLimitTest {
  /** A caller that waits retry_after_ms must find its token: 60 s / 7 a minute is 8,571.43 ms, so 8,572. */
  @Test
  void retryAfterIsRoundedUpToTheMillisecond() {
    assertEquals(8_572, RateLimit.retryAfterMillis(8_571_428_571L));
    assertEquals(8_571, RateLimit.retryAfterMillis(8_571_000_000L));
    assertEquals(1, RateLimit.retryAfterMillis(1));
    assertEquals(1, RateLimit.retryAfterMillis(0), "never 0: a caller told 0 would retry in a busy loop");
  }
}
