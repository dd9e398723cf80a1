package dev.nm.host.middleware;

import dev.nm.host.HomeDirectories;
import dev.nm.route.RouteException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the user's home directory as {@code ~} in the failures callers get: a route's message naming a file
 * ("no model named 'x' in /home/alice/.local/share/nm-host/models") would tell every allowed extension the
 * user's name and the layout of their home. The log keeps the whole path: this middleware runs outside
 * {@link RequestLogging}, which has logged the failure by the time it gets here.
 */
public final class HomeDirectoryRedaction implements Middleware {
  private final HomeDirectories homes;

  /** @param homes the user's home directories as this process knows them ({@code $HOME}, {@code user.home}) */
  public HomeDirectoryRedaction(List<Path> homes) {
    this.homes = new HomeDirectories(homes);
  }

  /** Redaction of this process's user's home, as {@code $HOME} and Java's {@code user.home} give it. */
  public static HomeDirectoryRedaction forThisUser() {
    return new HomeDirectoryRedaction(HomeDirectories.ofThisUser());
  }

  @Override
  public Object handle(Call call, Next next) {
    try {
      return next.proceed(call);
    } catch (RouteException e) {
      String message = redact(e.getMessage());
      Map<String, Object> details = new LinkedHashMap<>();
      e.details().forEach((key, value) -> details.put(key, value instanceof String text ? redact(text) : value));
      if (Objects.equals(message, e.getMessage()) && details.equals(e.details())) {
        throw e;
      }
      RouteException redacted = new RouteException(e.code(), message, e);
      details.forEach(redacted::withDetail);
      throw redacted;
    }
  }

  /** See {@link HomeDirectories#redact}. */
  public String redact(String text) {
    return homes.redact(text);
  }
}
