package dev.nm.host.middleware;

import dev.nm.host.HostConfig;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Refuses callers whose origin the host config does not list, with {@code FORBIDDEN} and, where the host says
 * how, what allows that caller (the reference host names its {@code nm-host install} or {@code config allow}
 * command; an application embedding the server names its own setting).
 */
public final class OriginAllowlist implements Middleware {
  private final Supplier<HostConfig> config;
  private final Function<String, String> howToAllow;

  /**
   * @param howToAllow what allows an origin, e.g. a command, appended to the refusal as "allow it with ..."; null
   *     (or a function answering null) for a refusal that names only the origin
   */
  public OriginAllowlist(Supplier<HostConfig> config, Function<String, String> howToAllow) {
    this.config = Objects.requireNonNull(config, "config");
    this.howToAllow = howToAllow == null ? origin -> null : howToAllow;
  }

  @Override
  public Object handle(Call call, Next next) {
    if (!config.get().allows(call.origin())) {
      String how = howToAllow.apply(call.origin());
      throw new RouteException(
              ErrorCode.FORBIDDEN,
              "origin " + call.origin() + " is not allowed to use this host" + (how == null ? "" : "; allow it with " + how))
          .withDetail("origin", call.origin());
    }
    return next.proceed(call);
  }
}
