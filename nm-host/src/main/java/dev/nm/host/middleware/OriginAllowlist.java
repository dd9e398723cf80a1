package dev.nm.host.middleware;

import dev.nm.host.HostConfig;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Refuses callers whose origin the host config does not list, with {@code FORBIDDEN} and the command that
 * allows that kind of caller.
 */
public final class OriginAllowlist implements Middleware {
  private static final String CHROME_PREFIX = "chrome-extension://";
  private static final String FIREFOX_PREFIX = "firefox:";

  private final Supplier<HostConfig> config;

  public OriginAllowlist(Supplier<HostConfig> config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public Object handle(Call call, Next next) {
    if (!config.get().allows(call.origin())) {
      throw new RouteException(
              ErrorCode.FORBIDDEN,
              "origin " + call.origin() + " is not allowed to use this host; allow it with `" + allowCommand(call.origin()) + "`")
          .withDetail("origin", call.origin());
    }
    return next.proceed(call);
  }

  /** The command that allows {@code origin}: an install for a browser extension, a config edit otherwise. */
  private static String allowCommand(String origin) {
    if (origin.startsWith(CHROME_PREFIX)) {
      String id = origin.substring(CHROME_PREFIX.length());
      return "nm-host install --extension-id " + (id.endsWith("/") ? id.substring(0, id.length() - 1) : id);
    }
    if (origin.startsWith(FIREFOX_PREFIX)) {
      return "nm-host install --browser firefox --firefox-extension-id " + origin.substring(FIREFOX_PREFIX.length());
    }
    return "nm-host config allow " + origin;
  }
}
