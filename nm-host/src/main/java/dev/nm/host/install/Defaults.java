package dev.nm.host.install;

import java.nio.file.Path;

/** Defaults shared by the install, uninstall and doctor commands, and the launcher the daemon is started with. */
public final class Defaults {
  /** The host name the reference host registers under. */
  static final String HOST_NAME = "nm_host";

  /**
   * System property the launcher ({@code bin/nm-host}) sets to its own absolute path, so that {@code install}
   * can write it into manifests without {@code --host-path}.
   */
  static final String LAUNCHER_PROPERTY = "nm.host.launcher";

  private Defaults() {}

  /** The launcher's path from {@link #LAUNCHER_PROPERTY}, or null when not started through the launcher. */
  public static Path launcher() {
    String launcher = System.getProperty(LAUNCHER_PROPERTY);
    return launcher == null || launcher.isBlank() ? null : Path.of(launcher).toAbsolutePath().normalize();
  }
}
