package dev.nm.host.middleware;

import dev.nm.host.HostConfig;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.RateTier;
import dev.nm.route.RouteException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * One Bucket4j token bucket per origin and {@link RateTier}, sized from the host config; a call that finds its
 * bucket empty is refused with {@code RATE_LIMITED} and {@code details.retry_after_ms}. UNLIMITED routes and
 * unknown route names pass untouched. A changed limit in the config takes effect with a fresh bucket.
 */
public final class RateLimit implements Middleware {
  private final Supplier<HostConfig> config;
  private final ConcurrentMap<Key, Limited> buckets = new ConcurrentHashMap<>();

  public RateLimit(Supplier<HostConfig> config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  private record Key(String origin, RateTier tier) {}

  private record Limited(HostConfig.RateLimit limit, Bucket bucket) {}

  @Override
  public Object handle(Call call, Next next) {
    if (call.route() == null) {
      return next.proceed(call);
    }
    RateTier tier = call.route().rateTier();
    Optional<HostConfig.RateLimit> limit = config.get().rateLimit(tier);
    if (limit.isEmpty()) {
      return next.proceed(call);
    }
    Limited limited =
        buckets.compute(
            new Key(call.origin(), tier),
            (key, current) -> current != null && current.limit().equals(limit.get()) ? current : newBucket(limit.get()));
    ConsumptionProbe probe = limited.bucket().tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      long retryAfterMs = retryAfterMillis(probe.getNanosToWaitForRefill());
      throw new RouteException(
              ErrorCode.RATE_LIMITED,
              "origin " + call.origin() + " exceeded its " + tier + " rate limit of " + limit.get().capacity()
                  + " calls (refilled at " + limit.get().refillPerMinute() + " a minute); retry in " + retryAfterMs + " ms")
          .withDetail("retry_after_ms", retryAfterMs)
          .withDetail("tier", tier.name());
    }
    return next.proceed(call);
  }

  private static Limited newBucket(HostConfig.RateLimit limit) {
    Bandwidth bandwidth =
        Bandwidth.builder().capacity(limit.capacity()).refillGreedy(limit.refillPerMinute(), Duration.ofMinutes(1)).build();
    return new Limited(limit, Bucket.builder().addLimit(bandwidth).build());
  }

  /** The wait in whole milliseconds, rounded up: a caller that waits exactly this long finds its token there. */
  static long retryAfterMillis(long nanosToWait) {
    return Math.max(1, (nanosToWait + 999_999) / 1_000_000);
  }
}
