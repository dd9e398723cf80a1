package dev.nm.host.install;

import dev.nm.host.HostPaths;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where each browser looks for a host manifest on one machine.
 *
 * <ul>
 *   <li>Linux and macOS: a file {@code <name>.json} in the browser's user or system directory, or in
 *       {@code <user-data-dir>/NativeMessagingHosts/} for a Chromium profile started with
 *       {@code --user-data-dir} (the only place such a profile reads user-level manifests; Brave's profiles read
 *       its default profile's folder whatever their directory, so Brave takes no {@code --user-data-dir}). On Linux
 *       the Chromium family's user directories are in {@code $CHROME_CONFIG_HOME} (not Brave's), else
 *       {@code $XDG_CONFIG_HOME}, else {@code ~/.config}; a relative value is ignored, as the XDG Base Directory
 *       specification says.
 *   <li>Windows: the file lives under {@code %LOCALAPPDATA%} (user) or {@code %ProgramData%} (system), and a
 *       registry key under HKCU or HKLM points to it; browsers reading one key share one file.
 * </ul>
 *
 * @param os the platform whose conventions apply
 * @param userHome the user's home directory
 * @param windowsDataDir {@code %LOCALAPPDATA%} for user installs on Windows; unused elsewhere
 * @param windowsSystemDataDir {@code %ProgramData%} for system installs on Windows; unused elsewhere
 * @param environment the variables that move user directories ({@code CHROME_CONFIG_HOME}, {@code XDG_CONFIG_HOME});
 *     any others are dropped
 * @param systemRoot the directory the machine-wide folders of Linux and macOS are under: {@code /}, another one in
 *     tests
 */
public record ManifestLocations(
    OperatingSystem os,
    Path userHome,
    Path windowsDataDir,
    Path windowsSystemDataDir,
    Map<String, String> environment,
    Path systemRoot) {
  static final String CHROME_CONFIG_HOME = "CHROME_CONFIG_HOME";
  static final String XDG_CONFIG_HOME = "XDG_CONFIG_HOME";

  public ManifestLocations {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(userHome, "userHome");
    systemRoot = systemRoot == null ? Path.of("/") : systemRoot;
    Map<String, String> read = new TreeMap<>();
    for (String name : List.of(CHROME_CONFIG_HOME, XDG_CONFIG_HOME)) {
      String value = environment == null ? null : environment.get(name);
      if (value != null) {
        read.put(name, value);
      }
    }
    environment = Collections.unmodifiableMap(read);
  }

  /** The locations with no variable moving the user's directories. */
  public ManifestLocations(OperatingSystem os, Path userHome, Path windowsDataDir, Path windowsSystemDataDir) {
    this(os, userHome, windowsDataDir, windowsSystemDataDir, Map.of(), null);
  }

  /** The locations with the machine-wide folders where the system has them, under {@code /}. */
  public ManifestLocations(
      OperatingSystem os, Path userHome, Path windowsDataDir, Path windowsSystemDataDir, Map<String, String> environment) {
    this(os, userHome, windowsDataDir, windowsSystemDataDir, environment, null);
  }

  /** The locations for this machine and user. */
  public static ManifestLocations current() {
    Path home = HostPaths.userHome();
    String localAppData = System.getenv("LOCALAPPDATA");
    String programData = System.getenv("ProgramData");
    return new ManifestLocations(
        OperatingSystem.current(),
        home,
        localAppData == null ? home.resolve("AppData/Local") : Path.of(localAppData),
        programData == null ? Path.of("C:\\ProgramData") : Path.of(programData),
        System.getenv(),
        null);
  }

  /** Whether {@code browser} has a user-level (or, with {@code system}, machine-wide) place on this OS. */
  public boolean supports(Browser browser, boolean system) {
    return !system || os == OperatingSystem.WINDOWS || browser.systemDir(os) != null;
  }

  /** A user-level (or, with {@code system}, machine-wide) install for one browser. */
  public InstallTarget target(Browser browser, String hostName, boolean system) {
    String fileName = hostName + ".json";
    if (os == OperatingSystem.WINDOWS) {
      Path base = system ? windowsSystemDataDir : windowsDataDir;
      String hive = system ? "HKLM\\" : "HKCU\\";
      return new InstallTarget(
          browser,
          base.resolve("nm-host").resolve("NativeMessagingHosts").resolve(browser.windowsFolder()).resolve(fileName),
          hive + browser.windowsKey() + "\\" + hostName);
    }
    if (!system) {
      return new InstallTarget(browser, userDir(browser).resolve(fileName), null);
    }
    String systemDir = browser.systemDir(os);
    if (systemDir == null) {
      throw new InstallException(
          browser.displayName() + " has no known system-wide manifest directory on " + os
              + "; install for the current user instead (drop --system)");
    }
    return new InstallTarget(browser, systemRoot.resolve(systemDir.substring(1)).resolve(fileName), null);
  }

  /** The install for a Chromium-family profile started with {@code --user-data-dir=userDataDir}. */
  public InstallTarget target(Browser browser, String hostName, Path userDataDir) {
    if (browser.family() != Browser.Family.CHROMIUM) {
      throw new InstallException(
          "--user-data-dir applies to Chromium-family browsers only, not to " + browser.displayName());
    }
    if (os == OperatingSystem.WINDOWS) {
      throw new InstallException(
          "--user-data-dir is not supported on Windows, where browsers find hosts through the registry only");
    }
    if (browser == Browser.BRAVE) {
      throw new InstallException(
          "Brave reads host manifests only from its default profile's folder ("
              + target(browser, hostName, false).manifestFile().getParent()
              + "), whatever --user-data-dir it runs with: install for Brave without --user-data-dir");
    }
    Path dir = userDataDir.toAbsolutePath().normalize().resolve("NativeMessagingHosts");
    return new InstallTarget(browser, dir.resolve(hostName + ".json"), null);
  }

  private Path userDir(Browser browser) {
    String dir = browser.userDir(os);
    if (os != OperatingSystem.LINUX) {
      return userHome.resolve(dir);
    }
    return switch (browser.linuxBase()) {
      case HOME -> userHome.resolve(dir);
      case XDG_CONFIG_HOME -> xdgConfigHome().resolve(dir);
      case CHROME_CONFIG_HOME -> absolute(CHROME_CONFIG_HOME).orElseGet(this::xdgConfigHome).resolve(dir);
    };
  }

  private Path xdgConfigHome() {
    return absolute(XDG_CONFIG_HOME).orElseGet(() -> userHome.resolve(".config"));
  }

  /** The variable's value when it is an absolute path; the XDG specification has a relative one ignored. */
  private Optional<Path> absolute(String variable) {
    String value = environment.get(variable);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    try {
      Path path = Path.of(value);
      return path.isAbsolute() ? Optional.of(path) : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }
}
