package dev.nm.host.middleware;

import dev.nm.host.HostConfig;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.util.Objects;
import java.util.function.Supplier;

/** Refuses calls to a route whose scope the caller's origin does not hold, with {@code UNAUTHORIZED}. */
public final class Scopes implements Middleware {
  private final Supplier<HostConfig> config;

  public Scopes(Supplier<HostConfig> config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public Object handle(Call call, Next next) {
    if (call.route() != null && !config.get().grants(call.origin(), call.route().scope())) {
      throw refusal("route '" + call.routeName() + "'", call.route().scope(), call.origin());
    }
    return next.proceed(call);
  }

  /**
   * The {@code UNAUTHORIZED} refusal of {@code what} (a route, an option of one) to an origin without {@code scope},
   * saying where to grant it.
   */
  public static RouteException refusal(String what, String scope, String origin) {
    return new RouteException(
            ErrorCode.UNAUTHORIZED,
            what + " needs scope '" + scope + "', which origin " + origin + " does not hold; grant it in the host"
                + " config's origins." + origin + ".scopes")
        .withDetail("scope", scope);
  }
}
