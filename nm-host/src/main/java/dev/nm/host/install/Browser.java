package dev.nm.host.install;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A browser that can start a native-messaging host, and where it looks for host manifests.
 *
 * <p>User-level directories are relative to the user's home (on Linux, the Chromium family's to the config folder,
 * {@link LinuxBase}); system-level ones are absolute. A browser with
 * no known system-level directory on a platform has {@code null} there, and installing it system-wide on that
 * platform is refused.
 */
public enum Browser {
  CHROME(
      "chrome",
      "Google Chrome",
      Family.CHROMIUM,
      LinuxBase.CHROME_CONFIG_HOME,
      "google-chrome/NativeMessagingHosts",
      "/etc/opt/chrome/native-messaging-hosts",
      "Library/Application Support/Google/Chrome/NativeMessagingHosts",
      "/Library/Google/Chrome/NativeMessagingHosts",
      "Software\\Google\\Chrome\\NativeMessagingHosts"),
  CHROMIUM(
      "chromium",
      "Chromium",
      Family.CHROMIUM,
      LinuxBase.CHROME_CONFIG_HOME,
      "chromium/NativeMessagingHosts",
      "/etc/chromium/native-messaging-hosts",
      "Library/Application Support/Chromium/NativeMessagingHosts",
      "/Library/Application Support/Chromium/NativeMessagingHosts",
      "Software\\Chromium\\NativeMessagingHosts"),
  EDGE(
      "edge",
      "Microsoft Edge",
      Family.CHROMIUM,
      LinuxBase.CHROME_CONFIG_HOME,
      "microsoft-edge/NativeMessagingHosts",
      "/etc/opt/edge/native-messaging-hosts",
      "Library/Application Support/Microsoft Edge/NativeMessagingHosts",
      "/Library/Microsoft/Edge/NativeMessagingHosts",
      "Software\\Microsoft\\Edge\\NativeMessagingHosts"),
  // Brave reads the host manifests of Google Chrome, not folders of its own, except for Linux's user-level one:
  // brave-core's BraveMainDelegate::PreSandboxStartup points chrome::DIR_USER_NATIVE_MESSAGING at Chrome's folder on
  // macOS and at its own default profile's NativeMessagingHosts on Linux (never a --user-data-dir profile's; brave-core's
  // chrome_paths_linux.cc builds that profile's folder from $XDG_CONFIG_HOME, never $CHROME_CONFIG_HOME), and
  // chrome::DIR_NATIVE_MESSAGING at Chrome's machine-wide folder on both. On Windows every build not branded Google
  // Chrome reads Chromium's registry key, then Google Chrome's (native_process_launcher_win.cc): Brave and Vivaldi
  // are found through Chrome's, as KeePassXC registers them.
  BRAVE(
      "brave",
      "Brave",
      Family.CHROMIUM,
      LinuxBase.XDG_CONFIG_HOME,
      "BraveSoftware/Brave-Browser/NativeMessagingHosts",
      "/etc/opt/chrome/native-messaging-hosts",
      "Library/Application Support/Google/Chrome/NativeMessagingHosts",
      "/Library/Google/Chrome/NativeMessagingHosts",
      "Software\\Google\\Chrome\\NativeMessagingHosts"),
  VIVALDI(
      "vivaldi",
      "Vivaldi",
      Family.CHROMIUM,
      LinuxBase.CHROME_CONFIG_HOME,
      "vivaldi/NativeMessagingHosts",
      "/etc/opt/vivaldi/native-messaging-hosts",
      "Library/Application Support/Vivaldi/NativeMessagingHosts",
      null,
      "Software\\Google\\Chrome\\NativeMessagingHosts"),
  FIREFOX(
      "firefox",
      "Firefox",
      Family.FIREFOX,
      LinuxBase.HOME,
      ".mozilla/native-messaging-hosts",
      "/usr/lib/mozilla/native-messaging-hosts",
      "Library/Application Support/Mozilla/NativeMessagingHosts",
      "/Library/Application Support/Mozilla/NativeMessagingHosts",
      "Software\\Mozilla\\NativeMessagingHosts");

  /**
   * What a Linux user-level directory is relative to. Chromium's docs/user_data_dir.md: the default profile lives in
   * {@code ~/.config}, which {@code $CHROME_CONFIG_HOME} or else {@code $XDG_CONFIG_HOME} moves.
   */
  enum LinuxBase {
    /** The user's home: Firefox's {@code ~/.mozilla}. */
    HOME,
    /** {@code $XDG_CONFIG_HOME}, else {@code ~/.config}: Brave, which does not read {@code $CHROME_CONFIG_HOME}. */
    XDG_CONFIG_HOME,
    /** {@code $CHROME_CONFIG_HOME}, else {@code $XDG_CONFIG_HOME}, else {@code ~/.config}: Chromium's own rule. */
    CHROME_CONFIG_HOME
  }

  /** Browsers sharing a manifest format and a way of naming callers. */
  public enum Family {
    /** {@code allowed_origins}: {@code chrome-extension://ID/}. */
    CHROMIUM("allowed_origins", "dev/nm/manifests/chromium.json"),
    /** {@code allowed_extensions}: add-on ids. */
    FIREFOX("allowed_extensions", "dev/nm/manifests/firefox.json");

    private final String callersKey;
    private final String template;

    Family(String callersKey, String template) {
      this.callersKey = callersKey;
      this.template = template;
    }

    /** The manifest key that lists the callers allowed to start the host. */
    public String callersKey() {
      return callersKey;
    }

    /** The class-path resource (module nm-manifests) holding this family's manifest template. */
    String template() {
      return template;
    }
  }

  private final String id;
  private final String displayName;
  private final Family family;
  private final LinuxBase linuxBase;
  private final String linuxUserDir;
  private final String linuxSystemDir;
  private final String macUserDir;
  private final String macSystemDir;
  private final String windowsKey;

  Browser(
      String id,
      String displayName,
      Family family,
      LinuxBase linuxBase,
      String linuxUserDir,
      String linuxSystemDir,
      String macUserDir,
      String macSystemDir,
      String windowsKey) {
    this.id = id;
    this.displayName = displayName;
    this.family = family;
    this.linuxBase = linuxBase;
    this.linuxUserDir = linuxUserDir;
    this.linuxSystemDir = linuxSystemDir;
    this.macUserDir = macUserDir;
    this.macSystemDir = macSystemDir;
    this.windowsKey = windowsKey;
  }

  /** The name used on the command line: {@code chrome}, {@code firefox}... */
  public String id() {
    return id;
  }

  public String displayName() {
    return displayName;
  }

  public Family family() {
    return family;
  }

  /** What this browser's Linux user-level directory is relative to. */
  LinuxBase linuxBase() {
    return linuxBase;
  }

  /** The user-level directory: on Linux relative to {@link #linuxBase()}, on macOS to the user's home. */
  String userDir(OperatingSystem os) {
    return switch (os) {
      case LINUX -> linuxUserDir;
      case MACOS -> macUserDir;
      case WINDOWS -> throw new IllegalArgumentException("Windows finds manifests through the registry");
    };
  }

  /** Null where this browser has no known system-wide directory on {@code os}. */
  String systemDir(OperatingSystem os) {
    return switch (os) {
      case LINUX -> linuxSystemDir;
      case MACOS -> macSystemDir;
      case WINDOWS -> throw new IllegalArgumentException("Windows finds manifests through the registry");
    };
  }

  /** The registry key, under HKCU or HKLM, whose subkeys name host manifests on Windows. */
  String windowsKey() {
    return windowsKey;
  }

  /**
   * The folder of nm-host's own manifests on Windows that holds the one this browser's registry key names: that of
   * the first browser reading the same key, so that browsers sharing a key share the file it names.
   */
  String windowsFolder() {
    for (Browser browser : values()) {
      if (browser.windowsKey.equals(windowsKey)) {
        return browser.id;
      }
    }
    throw new AssertionError("a browser reads its own key");
  }

  /** The browser with this command-line id, case-insensitively. */
  public static Browser fromId(String id) {
    for (Browser browser : values()) {
      if (browser.id.equalsIgnoreCase(id)) {
        return browser;
      }
    }
    throw new IllegalArgumentException(
        "unknown browser '" + id + "'; expected one of " + ids() + " or all");
  }

  static String ids() {
    return Arrays.stream(values()).map(Browser::id).collect(Collectors.joining(", "));
  }
}
