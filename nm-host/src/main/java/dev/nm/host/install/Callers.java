package dev.nm.host.install;

import java.util.regex.Pattern;

/**
 * The names browsers give the extensions allowed to start a host, and the host's own name: what each must
 * look like and how an extension id becomes an origin.
 */
public final class Callers {
  private static final Pattern CHROME_ID = Pattern.compile("[a-p]{32}");
  private static final Pattern CHROME_ORIGIN = Pattern.compile("chrome-extension://([a-p]{32})/");
  /** Firefox add-on ids are either email-like ({@code name@example.org}) or a braced UUID. */
  private static final Pattern FIREFOX_ID =
      Pattern.compile("[A-Za-z0-9._+-]*@[A-Za-z0-9.-]+|\\{[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}}");
  private static final String FIREFOX_ORIGIN_PREFIX = "firefox:";
  /** Chromium's rule: lowercase alphanumerics and {@code _}, dot-separated, no leading, trailing or double dot. */
  private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");

  private Callers() {}

  /** {@code chrome-extension://ID/} for a Chromium extension id, which must be 32 letters a-p. */
  public static String chromeOrigin(String extensionId) {
    if (!CHROME_ID.matcher(extensionId).matches()) {
      if (isFirefoxId(extensionId)) {
        throw new InstallException(
            "'" + extensionId + "' is a Firefox add-on id, not a Chromium extension id: pass it with"
                + " --firefox-extension-id");
      }
      throw new InstallException(
          "'" + extensionId + "' is not a Chromium extension id: an id is 32 letters from a to p, as shown"
              + " on chrome://extensions with Developer mode on");
    }
    return "chrome-extension://" + extensionId + "/";
  }

  /** Whether {@code origin} is exactly {@code chrome-extension://ID/} with a well-formed id. */
  public static boolean isChromeOrigin(String origin) {
    return CHROME_ORIGIN.matcher(origin).matches();
  }

  /** The extension id inside a well-formed {@code chrome-extension://ID/} origin. */
  static String chromeId(String origin) {
    var matcher = CHROME_ORIGIN.matcher(origin);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a chrome-extension origin: " + origin);
    }
    return matcher.group(1);
  }

  /** A Firefox add-on id, checked: {@code name@example.org} or {@code {UUID}}. */
  public static String firefoxId(String addonId) {
    if (!isFirefoxId(addonId)) {
      throw new InstallException(
          "'" + addonId + "' is not a Firefox add-on id: use the id in the add-on's manifest"
              + " (browser_specific_settings.gecko.id), e.g. nm@example.org or {UUID}");
    }
    return addonId;
  }

  public static boolean isFirefoxId(String addonId) {
    return FIREFOX_ID.matcher(addonId).matches();
  }

  /**
   * The origin the host knows a manifest caller by: a Chromium origin as it is, a Firefox add-on id as
   * {@code firefox:ADDON_ID} (Firefox starts hosts with the add-on id, which the host prefixes so).
   */
  public static String hostOrigin(String caller) {
    return isChromeOrigin(caller) ? caller : FIREFOX_ORIGIN_PREFIX + caller;
  }

  /** The host name, checked against the browsers' rule. */
  public static String hostName(String name) {
    if (!isHostName(name)) {
      throw new InstallException(
          "'" + name + "' is not a valid native-messaging host name: use lowercase letters, digits and _,"
              + " optionally in dot-separated parts (e.g. nm_host or dev.nm.host)");
    }
    return name;
  }

  public static boolean isHostName(String name) {
    return HOST_NAME.matcher(name).matches();
  }
}
