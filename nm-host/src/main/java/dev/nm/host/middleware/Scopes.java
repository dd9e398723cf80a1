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
      String scope = call.route().scope();
      throw new RouteException(
              ErrorCode.UNAUTHORIZED,
              "route '" + call.routeName() + "' needs scope '" + scope + "', which origin " + call.origin()
                  + " does not hold; grant it in the host config's origins." + call.origin() + ".scopes")
          .withDetail("scope", scope);
    }
    return next.proceed(call);
  }
}
