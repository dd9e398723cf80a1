package com.example.notes;

import dev.nm.host.HostPaths;
import java.nio.file.Path;

/** What the application and its relay share: where the application listens. */
final class AcmeNotes {
  /** The host name in the browser's host manifest ({@code connectNative("com.example.acme_notes")}). */
  static final String HOST_NAME = "com.example.acme_notes";
  /** Overrides the home, as the tests do. */
  static final String HOME_ENV = "ACME_NOTES_HOME";

  private AcmeNotes() {}

  /**
   * The application's own home (never nm-host's): {@code run/daemon.sock}, the relays' hand-off directory and the
   * audit log live under it. Kept short: a Unix socket's path is limited to about 100 bytes.
   */
  static HostPaths paths() {
    String override = System.getenv(HOME_ENV);
    Path home = override != null && !override.isBlank()
        ? Path.of(override)
        : HostPaths.userHome().resolve(".local/share/acme-notes");
    return new HostPaths(home, home.resolve("models"));
  }
}
