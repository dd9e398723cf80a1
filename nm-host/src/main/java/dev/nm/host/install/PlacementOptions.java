package dev.nm.host.install;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options that say which manifests a command works on; shared by install, uninstall and doctor. */
final class PlacementOptions {
  @Option(
      names = "--browser",
      split = ",",
      paramLabel = "BROWSER",
      description = "chrome, chromium, edge, brave, vivaldi, firefox or all (repeatable; default: all)")
  List<String> browsers = new ArrayList<>();

  @Option(
      names = "--user-data-dir",
      paramLabel = "DIR",
      description =
          "a Chromium profile started with --user-data-dir=DIR: the manifest goes to DIR/NativeMessagingHosts/ (not for"
              + " Brave, whose profiles read only its default profile's folder)")
  Path userDataDir;

  @Option(names = "--system", description = "machine-wide manifests instead of the current user's (needs root; install refuses a host path that a user other than root could change)")
  boolean system;

  @Option(
      names = "--host-name",
      paramLabel = "NAME",
      description = "the host's name (default: ${DEFAULT-VALUE})",
      defaultValue = Defaults.HOST_NAME)
  String hostName;

  /** Whether the user named browsers rather than taking the default. */
  boolean browsersNamed() {
    return !browsers.isEmpty() && browsers.stream().noneMatch("all"::equalsIgnoreCase);
  }

  /** Whether the user pointed at specific manifests: named browsers or one profile. */
  boolean targeted() {
    return browsersNamed() || userDataDir != null;
  }

  /**
   * The browsers named, or every browser {@code locations} has a place for when none (or {@code all}) is
   * named. A {@code --user-data-dir} names one Chromium profile, so it takes one browser and defaults to
   * Chromium.
   */
  Placement placement(ManifestLocations locations) {
    Set<Browser> selected = EnumSet.noneOf(Browser.class);
    for (String id : browsers) {
      if (id.equalsIgnoreCase("all")) {
        selected.addAll(EnumSet.allOf(Browser.class));
      } else {
        try {
          selected.add(Browser.fromId(id));
        } catch (IllegalArgumentException e) {
          throw new InstallException(e.getMessage());
        }
      }
    }
    if (userDataDir != null) {
      if (!browsersNamed()) {
        selected = EnumSet.of(Browser.CHROMIUM);
      } else if (selected.size() > 1) {
        throw new InstallException("--user-data-dir names one profile: give exactly one --browser with it");
      }
    } else if (!browsersNamed()) {
      selected = EnumSet.allOf(Browser.class);
      selected.removeIf(browser -> !locations.supports(browser, system));
    }
    return new Placement(selected, hostName, system, userDataDir);
  }
}
