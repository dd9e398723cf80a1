package dev.nm.host.relay;

import java.util.Optional;

/**
 * How a browser started this process, recognised from the command line alone so that a browser launch
 * reaches host mode before any command-line parser loads.
 *
 * <ul>
 *   <li>Chrome, Chromium, Edge, Brave, Vivaldi: {@code chrome-extension://ID/}, followed on Windows by
 *       {@code --parent-window=N}.
 *   <li>Firefox: the host manifest's path, then the add-on id ({@code name@example.org} or
 *       <code>{uuid}</code>).
 * </ul>
 *
 * Browsers may add arguments in later versions, so anything after the recognised ones is ignored.
 *
 * @param origin the caller as routes see it ({@link dev.nm.route.RouteContext#origin()}):
 *     {@code chrome-extension://ID/}, or {@code firefox:ADDON_ID}
 */
record BrowserLaunch(String origin) {
  static final String CHROMIUM_ORIGIN_PREFIX = "chrome-extension://";
  static final String FIREFOX_ORIGIN_PREFIX = "firefox:";

  /** The launch the arguments describe, or empty when they are a command line for a person. */
  static Optional<BrowserLaunch> detect(String[] args) {
    if (args.length == 0) {
      return Optional.empty();
    }
    if (args[0].startsWith(CHROMIUM_ORIGIN_PREFIX)) {
      return Optional.of(new BrowserLaunch(args[0]));
    }
    if (args.length >= 2 && args[0].endsWith(".json") && isFirefoxAddonId(args[1])) {
      return Optional.of(new BrowserLaunch(FIREFOX_ORIGIN_PREFIX + args[1]));
    }
    return Optional.empty();
  }

  /** Firefox add-on ids are an email-like {@code name@domain} or a braced UUID. */
  private static boolean isFirefoxAddonId(String arg) {
    return !arg.startsWith("-") && (arg.contains("@") || (arg.startsWith("{") && arg.endsWith("}")));
  }
}
