package dev.nm.host.install;

import java.util.Locale;

/** The operating systems whose manifest locations the installer knows. */
public enum OperatingSystem {
  LINUX,
  MACOS,
  WINDOWS;

  /** The system this JVM runs on; anything that is neither Windows nor macOS is treated as Linux. */
  public static OperatingSystem current() {
    String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (name.startsWith("windows")) {
      return WINDOWS;
    }
    if (name.startsWith("mac")) {
      return MACOS;
    }
    return LINUX;
  }
}
