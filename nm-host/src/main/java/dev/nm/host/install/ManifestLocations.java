package dev.nm.host.install;

import dev.nm.host.HostPaths;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where each browser looks for a host manifest on one machine.
 *
 * <ul>
 *   <li>Linux and macOS: a file {@code <name>.json} in the browser's user or system directory, or in
 *       {@code <user-data-dir>/NativeMessagingHosts/} for a Chromium profile started with
 *       {@code --user-data-dir} (the only place such a profile reads user-level manifests; Brave's profiles read
 *       its default profile's folder whatever their directory, so Brave takes no {@code --user-data-dir}).
 *   <li>Windows: the file lives under {@code %LOCALAPPDATA%} (user) or {@code %ProgramData%} (system), and a
 *       registry key under HKCU or HKLM points to it; browsers reading one key share one file.
 * </ul>
 *
 * @param os the platform whose conventions apply
 * @param userHome the user's home directory
 * @param windowsDataDir {@code %LOCALAPPDATA%} for user installs on Windows; unused elsewhere
 * @param windowsSystemDataDir {@code %ProgramData%} for system installs on Windows; unused elsewhere
 */
public record ManifestLocations(
    OperatingSystem os, Path userHome, Path windowsDataDir, Path windowsSystemDataDir) {
  public ManifestLocations {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(userHome, "userHome");
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
        programData == null ? Path.of("C:\\ProgramData") : Path.of(programData));
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
      return new InstallTarget(browser, userHome.resolve(browser.userDir(os)).resolve(fileName), null);
    }
    String systemDir = browser.systemDir(os);
    if (systemDir == null) {
      throw new InstallException(
          browser.displayName() + " has no known system-wide manifest directory on " + os
              + "; install for the current user instead (drop --system)");
    }
    return new InstallTarget(browser, Path.of(systemDir).resolve(fileName), null);
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
}
