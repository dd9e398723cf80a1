package dev.nm.host.install;

import dev.nm.host.HostPaths;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the install, uninstall and doctor commands need to know about the machine: where browsers look, where
 * the host keeps its files, and the launcher to name in manifests.
 *
 * @param launcher the absolute path of {@code bin/nm-host}, or null when unknown (then {@code --host-path} is required)
 */
public record InstallContext(ManifestLocations locations, HostPaths paths, Path launcher) {
  public InstallContext {
    Objects.requireNonNull(locations, "locations");
    Objects.requireNonNull(paths, "paths");
  }

  /** This machine, this user, {@code NM_HOST_HOME}, and the launcher named by the {@code nm.host.launcher} property. */
  public static InstallContext current() {
    return new InstallContext(ManifestLocations.current(), HostPaths.fromEnvironment(), Defaults.launcher());
  }

  OriginAllowlist allowlist() {
    return new HostConfigAllowlist(paths);
  }
}
