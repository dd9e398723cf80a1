package dev.nm.host.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLocationsTest {
  private static final Path HOME = Path.of("/home/ada");

  @Test
  void linuxUserAndSystemDirectories() {
    ManifestLocations linux = new ManifestLocations(OperatingSystem.LINUX, HOME, null, null);

    assertEquals(Path.of("/home/ada/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/nm_host.json"), linux.target(Browser.BRAVE, "nm_host", false).manifestFile());
    assertEquals(Path.of("/home/ada/.mozilla/native-messaging-hosts/nm_host.json"), linux.target(Browser.FIREFOX, "nm_host", false).manifestFile());
    assertEquals(Path.of("/etc/opt/chrome/native-messaging-hosts/nm_host.json"), linux.target(Browser.CHROME, "nm_host", true).manifestFile());
    assertEquals(Path.of("/etc/chromium/native-messaging-hosts/nm_host.json"), linux.target(Browser.CHROMIUM, "nm_host", true).manifestFile());
    assertEquals(Path.of("/usr/lib/mozilla/native-messaging-hosts/nm_host.json"), linux.target(Browser.FIREFOX, "nm_host", true).manifestFile());
    assertNull(linux.target(Browser.EDGE, "nm_host", true).registryKey());
  }

  @Test
  void macUserAndSystemDirectories() {
    ManifestLocations mac = new ManifestLocations(OperatingSystem.MACOS, HOME, null, null);

    assertEquals(
        Path.of("/home/ada/Library/Application Support/Microsoft Edge/NativeMessagingHosts/nm_host.json"),
        mac.target(Browser.EDGE, "nm_host", false).manifestFile());
    assertEquals(Path.of("/Library/Google/Chrome/NativeMessagingHosts/nm_host.json"), mac.target(Browser.CHROME, "nm_host", true).manifestFile());
    InstallException brave = assertThrows(InstallException.class, () -> mac.target(Browser.BRAVE, "nm_host", true));
    assertEquals("Brave has no known system-wide manifest directory on MACOS; install for the current user instead (drop --system)", brave.getMessage());
  }

  @Test
  void windowsWritesAFileAndARegistryKey() {
    ManifestLocations windows = new ManifestLocations(OperatingSystem.WINDOWS, HOME, Path.of("/appdata/local"), Path.of("/programdata"));

    InstallTarget user = windows.target(Browser.EDGE, "nm_host", false);
    InstallTarget system = windows.target(Browser.FIREFOX, "nm_host", true);

    assertEquals(Path.of("/appdata/local/nm-host/NativeMessagingHosts/edge/nm_host.json"), user.manifestFile());
    assertEquals("HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\nm_host", user.registryKey());
    assertEquals(Path.of("/programdata/nm-host/NativeMessagingHosts/firefox/nm_host.json"), system.manifestFile());
    assertEquals("HKLM\\Software\\Mozilla\\NativeMessagingHosts\\nm_host", system.registryKey());
  }

  @Test
  void windowsInstallRegistersAndUninstallUnregisters(@TempDir Path root) throws IOException {
    ManifestLocations windows = new ManifestLocations(OperatingSystem.WINDOWS, root, root.resolve("local"), root.resolve("programdata"));
    List<String> calls = new ArrayList<>();
    WindowsRegistry registry =
        new WindowsRegistry() {
          @Override
          void register(String key, Path manifestFile) {
            calls.add("add " + key + " = " + manifestFile);
          }

          @Override
          void unregister(String key) {
            calls.add("delete " + key);
          }
        };
    Installer installer = new Installer(windows, new HostConfigAllowlist(new dev.nm.host.HostPaths(root.resolve("home"), root.resolve("models"))), registry);
    Placement chrome = new Placement(Set.of(Browser.CHROME), "nm_host", false, null);

    installer.install(chrome, root.resolve("nm-host.exe"), List.of(InstallFixture.ID), List.of(), Set.of());
    installer.uninstall(chrome, List.of(), List.of());

    Path file = root.resolve("local/nm-host/NativeMessagingHosts/chrome/nm_host.json");
    assertEquals(
        List.of(
            "add HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\nm_host = " + file,
            "delete HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\nm_host"),
        calls);
  }

  @Test
  void userDataDirIsForOneChromiumProfile() {
    ManifestLocations linux = new ManifestLocations(OperatingSystem.LINUX, HOME, null, null);

    assertEquals(Path.of("/tmp/p/NativeMessagingHosts/nm_host.json"), linux.target(Browser.CHROMIUM, "nm_host", Path.of("/tmp/p")).manifestFile());
    assertEquals(
        "--user-data-dir applies to Chromium-family browsers only, not to Firefox",
        assertThrows(InstallException.class, () -> linux.target(Browser.FIREFOX, "nm_host", Path.of("/tmp/p"))).getMessage());
  }
}
