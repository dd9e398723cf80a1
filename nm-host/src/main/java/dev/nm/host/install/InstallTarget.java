package dev.nm.host.install;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One place a host manifest is installed for one browser.
 *
 * @param manifestFile the manifest's absolute path
 * @param registryKey on Windows, the key whose default value must name {@code manifestFile}; null elsewhere
 */
public record InstallTarget(Browser browser, Path manifestFile, String registryKey) {
  public InstallTarget {
    Objects.requireNonNull(browser, "browser");
    Objects.requireNonNull(manifestFile, "manifestFile");
  }
}
