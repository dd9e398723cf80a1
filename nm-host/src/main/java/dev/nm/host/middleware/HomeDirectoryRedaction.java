package dev.nm.host.middleware;

import dev.nm.host.HostPaths;
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
  private final List<String> homes;

  /** @param homes the user's home directories as this process knows them ({@code $HOME}, {@code user.home}) */
  public HomeDirectoryRedaction(List<Path> homes) {
    this.homes =
        homes.stream()
            .filter(Objects::nonNull)
            .map(home -> home.toAbsolutePath().normalize().toString())
            .filter(home -> home.length() > 1) // a home of "/" would blank every path
            .distinct()
            .sorted((a, b) -> b.length() - a.length()) // a home inside another is replaced first
            .toList();
  }

  /** Redaction of this process's user's home, as {@code $HOME} and Java's {@code user.home} give it. */
  public static HomeDirectoryRedaction forThisUser() {
    return new HomeDirectoryRedaction(List.of(HostPaths.userHome(), Path.of(System.getProperty("user.home"))));
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

  /** Each home, where it starts a path (followed by a separator or the text's end, not "/home/alicex"), as "~". */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String home : homes) {
      StringBuilder out = new StringBuilder(result.length());
      int from = 0;
      int at;
      while ((at = result.indexOf(home, from)) >= 0) {
        int end = at + home.length();
        boolean wholeName = end == result.length() || !isNameCharacter(result.charAt(end));
        out.append(result, from, at).append(wholeName ? "~" : home);
        from = end;
      }
      result = out.append(result, from, result.length()).toString();
    }
    return result;
  }

  private static boolean isNameCharacter(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_';
  }
}
