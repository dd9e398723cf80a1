package dev.nm.host;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The user's home directories, to write as {@code ~} in what callers are told: a message naming a file
 * ("no model named 'x' in /home/alice/.local/share/nm-host/models") would tell every allowed extension the user's
 * name and the layout of their home. Needs nothing beyond the JDK: a relay, on its short class path, redacts its
 * own failures with it.
 */
public final class HomeDirectories {
  private final List<String> homes;

  /** @param homes the user's home directories as this process knows them; nulls are skipped */
  public HomeDirectories(List<Path> homes) {
    this.homes =
        homes.stream()
            .filter(Objects::nonNull)
            .map(home -> home.toAbsolutePath().normalize().toString())
            .filter(home -> home.length() > 1) // a home of "/" would blank every path
            .distinct()
            .sorted((a, b) -> b.length() - a.length()) // a home inside another is replaced first
            .toList();
  }

  /** This process's user's home, as {@code $HOME} and Java's {@code user.home} give it. */
  public static List<Path> ofThisUser() {
    return Arrays.asList(HostPaths.userHome(), Path.of(System.getProperty("user.home")));
  }

  /** Redaction of this process's user's homes. */
  public static HomeDirectories forThisUser() {
    return new HomeDirectories(ofThisUser());
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
