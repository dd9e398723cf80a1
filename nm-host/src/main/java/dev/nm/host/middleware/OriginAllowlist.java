package dev.nm.host.middleware;

import dev.nm.host.HostConfig;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.util.Objects;
import java.util.function.Supplier;

/** Refuses callers whose origin the host config does not list, with {@code FORBIDDEN}. */
public final class OriginAllowlist implements Middleware {
  private final Supplier<HostConfig> config;

  public OriginAllowlist(Supplier<HostConfig> config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public Object handle(Call call, Next next) {
    if (!config.get().allows(call.origin())) {
      throw new RouteException(
              ErrorCode.FORBIDDEN,
              "origin " + call.origin() + " is not allowed to use this host; allow it with "
                  + "`nm-host install --extension-id " + extensionId(call.origin()) + "`")
          .withDetail("origin", call.origin());
    }
    return next.proceed(call);
  }

  /** The id inside {@code chrome-extension://ID/}, or the origin itself for other callers. */
  private static String extensionId(String origin) {
    String prefix = "chrome-extension://";
    if (origin.startsWith(prefix)) {
      String id = origin.substring(prefix.length());
      return id.endsWith("/") ? id.substring(0, id.length() - 1) : id;
    }
    return origin;
  }
}
