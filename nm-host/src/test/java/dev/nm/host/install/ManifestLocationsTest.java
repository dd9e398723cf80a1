package dev.nm.host.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /** A build not branded Google Chrome, Brave's too, reads Chromium's system-wide directory on Linux. */
  @Test
  void braveAndChromiumShareLinuxSystemDirectoryAndUninstallSaysSo() {
    ManifestLocations linux = new ManifestLocations(OperatingSystem.LINUX, HOME, null, null);
    Path braveSystem = linux.target(Browser.BRAVE, "nm_host", true).manifestFile();

    assertEquals(Path.of("/etc/chromium/native-messaging-hosts/nm_host.json"), braveSystem);
    assertEquals(List.of(Browser.CHROMIUM),
        new Placement(Set.of(Browser.BRAVE), "nm_host", true, null).alsoReadBy(braveSystem, linux));
    assertEquals(List.of(), new Placement(Set.of(Browser.BRAVE, Browser.CHROMIUM), "nm_host", true, null)
        .alsoReadBy(braveSystem, linux));
    Path braveUser = linux.target(Browser.BRAVE, "nm_host", false).manifestFile();
    assertEquals(List.of(), new Placement(Set.of(Browser.BRAVE), "nm_host", false, null).alsoReadBy(braveUser, linux));
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
  void systemWideWithoutNamedBrowsersSkipsThoseWithNoSystemDirectory(@TempDir Path root) throws IOException {
    InstallFixture mac = new InstallFixture(root, OperatingSystem.MACOS);

    var doctor = mac.doctor("--system");
    var namedBrave = mac.doctor("--system", "--browser", "brave");

    assertEquals("", doctor.err());
    assertEquals(
        List.of("chrome", "chromium", "edge", "firefox"),
        doctor.out().lines().filter(line -> line.startsWith("[note]") && line.contains("not installed"))
            .map(line -> line.substring(10).split(" ")[0])
            .toList());
    assertEquals(
        "nm-host doctor: Brave has no known system-wide manifest directory on MACOS; install for the current user"
            + " instead (drop --system)\n",
        namedBrave.err());
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
    dev.nm.host.HostPaths paths = new dev.nm.host.HostPaths(root.resolve("home"), root.resolve("models"));
    Installer installer = new Installer(windows, new HostConfigAllowlist(paths), paths, registry);
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
  void doctorChecksTheRegistryKeyOnWindows(@TempDir Path root) throws IOException {
    ManifestLocations windows = new ManifestLocations(OperatingSystem.WINDOWS, root, root.resolve("local"), root.resolve("programdata"));
    Map<String, String> keys = new HashMap<>();
    WindowsRegistry registry =
        new WindowsRegistry() {
          @Override
          void register(String key, Path manifestFile) {
            keys.put(key, manifestFile.toString());
          }

          @Override
          Optional<String> defaultValue(String key) {
            return Optional.ofNullable(keys.get(key));
          }
        };
    dev.nm.host.HostPaths paths = new dev.nm.host.HostPaths(root.resolve("home"), root.resolve("models"));
    HostConfigAllowlist allowlist = new HostConfigAllowlist(paths);
    Placement edge = new Placement(Set.of(Browser.EDGE), "nm_host", false, null);
    Path launcher = java.nio.file.Files.createFile(root.resolve("nm-host.exe"));
    launcher.toFile().setExecutable(true);
    new Installer(windows, allowlist, paths, registry).install(edge, launcher, List.of(InstallFixture.ID), List.of(), Set.of());
    Doctor doctor = new Doctor(windows, paths, allowlist, launcher, registry);
    String key = "HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\nm_host";

    assertEquals(Finding.Severity.OK, doctor.examine(edge, true).get(0).severity());

    keys.clear();
    Finding missing = doctor.examine(edge, true).get(0);

    assertEquals("registry key " + key + " is missing, so the browser cannot find the manifest", missing.message());
    assertEquals(
        "nm-host install --browser edge --extension-id " + InstallFixture.ID + " --host-path " + launcher, missing.fix());
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
