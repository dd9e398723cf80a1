package dev.nm.host.install;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which browsers' manifests a command works on, under which host name, and at which level: the user's own
 * directories, the machine-wide ones ({@code system}), or one Chromium profile's {@code userDataDir}.
 *
 * @param userDataDir a Chromium {@code --user-data-dir}, or null
 */
public record Placement(Set<Browser> browsers, String hostName, boolean system, Path userDataDir) {
  public Placement {
    browsers = Set.copyOf(browsers);
    Callers.hostName(Objects.requireNonNull(hostName, "hostName"));
    if (system && userDataDir != null) {
      throw new InstallException("--system and --user-data-dir exclude each other: a profile directory is per user");
    }
  }

  /** One target per browser, in {@link Browser} order. */
  public List<InstallTarget> targets(ManifestLocations locations) {
    return browsers.stream()
        .sorted()
        .map(
            browser ->
                userDataDir == null
                    ? locations.target(browser, hostName, system)
                    : locations.target(browser, hostName, userDataDir))
        .toList();
  }

  /**
   * The browsers outside this placement that read {@code manifestFile} too, at the same level: Brave reads Google
   * Chrome's folders on macOS, its machine-wide one on Linux and its registry key on Windows (Vivaldi too), so
   * installing Brave's manifest there installs Chrome's, and uninstalling it for one removes it for the other too (the
   * commands' output names the other). None for a
   * {@code userDataDir}: a profile directory is one browser's.
   */
  public List<Browser> alsoReadBy(Path manifestFile, ManifestLocations locations) {
    List<Browser> others = new ArrayList<>();
    if (userDataDir != null) {
      return others;
    }
    for (Browser browser : Browser.values()) {
      if (browsers.contains(browser)) {
        continue;
      }
      try {
        Placement alone = new Placement(Set.of(browser), hostName, system, userDataDir);
        if (alone.targets(locations).get(0).manifestFile().equals(manifestFile)) {
          others.add(browser);
        }
      } catch (InstallException | IllegalArgumentException notAtThisLevel) {
        // This browser reads no manifest at this level on this system.
      }
    }
    return others;
  }
}
