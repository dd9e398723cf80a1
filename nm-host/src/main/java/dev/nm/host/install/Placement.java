package dev.nm.host.install;

import java.nio.file.Path;
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

}
