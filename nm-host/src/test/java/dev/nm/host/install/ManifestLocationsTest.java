package dev.nm.host.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
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

  /**
   * Chromium's docs/user_data_dir.md: on Linux $CHROME_CONFIG_HOME, else $XDG_CONFIG_HOME, replaces ~/.config; Brave
   * builds its folder from $XDG_CONFIG_HOME only, Firefox from the home only. A relative value is ignored (the XDG
   * specification), and macOS reads neither.
   */
  @Test
  void linuxUserFoldersFollowChromeConfigHomeAndXdgConfigHome() {
    ManifestLocations both = new ManifestLocations(OperatingSystem.LINUX, HOME, null, null,
        Map.of("CHROME_CONFIG_HOME", "/cfg/chrome", "XDG_CONFIG_HOME", "/cfg/xdg", "PATH", "/usr/bin"));
    ManifestLocations xdg = new ManifestLocations(OperatingSystem.LINUX, HOME, null, null, Map.of("XDG_CONFIG_HOME", "/cfg/xdg"));
    ManifestLocations relative = new ManifestLocations(OperatingSystem.LINUX, HOME, null, null,
        Map.of("CHROME_CONFIG_HOME", "cfg/chrome", "XDG_CONFIG_HOME", ""));
    ManifestLocations mac = new ManifestLocations(OperatingSystem.MACOS, HOME, null, null, Map.of("XDG_CONFIG_HOME", "/cfg/xdg"));

    assertEquals(Path.of("/cfg/chrome/google-chrome/NativeMessagingHosts/nm_host.json"), both.target(Browser.CHROME, "nm_host", false).manifestFile());
    assertEquals(Path.of("/cfg/chrome/chromium/NativeMessagingHosts/nm_host.json"), both.target(Browser.CHROMIUM, "nm_host", false).manifestFile());
    assertEquals(Path.of("/cfg/chrome/microsoft-edge/NativeMessagingHosts/nm_host.json"), both.target(Browser.EDGE, "nm_host", false).manifestFile());
    assertEquals(Path.of("/cfg/chrome/vivaldi/NativeMessagingHosts/nm_host.json"), both.target(Browser.VIVALDI, "nm_host", false).manifestFile());
    assertEquals(Path.of("/cfg/xdg/BraveSoftware/Brave-Browser/NativeMessagingHosts/nm_host.json"), both.target(Browser.BRAVE, "nm_host", false).manifestFile());
    assertEquals(Path.of("/home/ada/.mozilla/native-messaging-hosts/nm_host.json"), both.target(Browser.FIREFOX, "nm_host", false).manifestFile());
    assertEquals(Path.of("/etc/opt/chrome/native-messaging-hosts/nm_host.json"), both.target(Browser.CHROME, "nm_host", true).manifestFile());
    assertEquals(Map.of("CHROME_CONFIG_HOME", "/cfg/chrome", "XDG_CONFIG_HOME", "/cfg/xdg"), both.environment());

    assertEquals(Path.of("/cfg/xdg/google-chrome/NativeMessagingHosts/nm_host.json"), xdg.target(Browser.CHROME, "nm_host", false).manifestFile());
    assertEquals(Path.of("/home/ada/.config/google-chrome/NativeMessagingHosts/nm_host.json"), relative.target(Browser.CHROME, "nm_host", false).manifestFile());
    assertEquals(Path.of("/home/ada/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/nm_host.json"),
        relative.target(Browser.BRAVE, "nm_host", false).manifestFile());
    assertEquals(Path.of("/home/ada/Library/Application Support/Chromium/NativeMessagingHosts/nm_host.json"),
        mac.target(Browser.CHROMIUM, "nm_host", false).manifestFile());
  }

  /**
   * Brave reads its own default profile's folder for the user on Linux, and Google Chrome's everywhere else (brave-core
   * points chrome::DIR_USER_NATIVE_MESSAGING and DIR_NATIVE_MESSAGING there); on Windows Brave and Vivaldi read
   * Chrome's registry key, and share the file it names.
   */
  @Test
  void braveReadsGoogleChromesPlacesExceptItsOwnUserFolderOnLinux() {
    ManifestLocations linux = new ManifestLocations(OperatingSystem.LINUX, HOME, null, null);
    ManifestLocations mac = new ManifestLocations(OperatingSystem.MACOS, HOME, null, null);
    ManifestLocations windows = new ManifestLocations(OperatingSystem.WINDOWS, HOME, Path.of("/appdata/local"), Path.of("/programdata"));

    assertEquals(Path.of("/home/ada/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/nm_host.json"),
        linux.target(Browser.BRAVE, "nm_host", false).manifestFile());
    assertEquals(Path.of("/etc/opt/chrome/native-messaging-hosts/nm_host.json"), linux.target(Browser.BRAVE, "nm_host", true).manifestFile());
    assertEquals(Path.of("/home/ada/Library/Application Support/Google/Chrome/NativeMessagingHosts/nm_host.json"),
        mac.target(Browser.BRAVE, "nm_host", false).manifestFile());
    assertEquals(Path.of("/Library/Google/Chrome/NativeMessagingHosts/nm_host.json"), mac.target(Browser.BRAVE, "nm_host", true).manifestFile());
    for (Browser browser : List.of(Browser.BRAVE, Browser.VIVALDI)) {
      assertEquals(windows.target(Browser.CHROME, "nm_host", false), new InstallTarget(Browser.CHROME,
          windows.target(browser, "nm_host", false).manifestFile(), windows.target(browser, "nm_host", false).registryKey()));
      assertEquals("HKLM\\Software\\Google\\Chrome\\NativeMessagingHosts\\nm_host", windows.target(browser, "nm_host", true).registryKey());
    }
    assertEquals(Path.of("/appdata/local/nm-host/NativeMessagingHosts/chrome/nm_host.json"),
        windows.target(Browser.VIVALDI, "nm_host", false).manifestFile());

    Path braveSystem = linux.target(Browser.BRAVE, "nm_host", true).manifestFile();
    assertEquals(List.of(Browser.CHROME), new Placement(Set.of(Browser.BRAVE), "nm_host", true, null).alsoReadBy(braveSystem, linux));
    assertEquals(List.of(), new Placement(Set.of(Browser.BRAVE, Browser.CHROME), "nm_host", true, null).alsoReadBy(braveSystem, linux));
    Path braveUser = linux.target(Browser.BRAVE, "nm_host", false).manifestFile();
    assertEquals(List.of(), new Placement(Set.of(Browser.BRAVE), "nm_host", false, null).alsoReadBy(braveUser, linux));
    Path vivaldiWindows = windows.target(Browser.VIVALDI, "nm_host", false).manifestFile();
    assertEquals(List.of(Browser.CHROME, Browser.BRAVE),
        new Placement(Set.of(Browser.VIVALDI), "nm_host", false, null).alsoReadBy(vivaldiWindows, windows));
  }

  /** Brave's profiles read its default profile's folder, whatever --user-data-dir they run with. */
  @Test
  void braveTakesNoUserDataDir() {
    ManifestLocations linux = new ManifestLocations(OperatingSystem.LINUX, HOME, null, null);
    ManifestLocations mac = new ManifestLocations(OperatingSystem.MACOS, HOME, null, null);

    assertEquals(
        "Brave reads host manifests only from its default profile's folder"
            + " (/home/ada/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts), whatever --user-data-dir it runs"
            + " with: install for Brave without --user-data-dir",
        assertThrows(InstallException.class, () -> linux.target(Browser.BRAVE, "nm_host", Path.of("/tmp/p"))).getMessage());
    assertEquals(
        "Brave reads host manifests only from its default profile's folder"
            + " (/home/ada/Library/Application Support/Google/Chrome/NativeMessagingHosts), whatever --user-data-dir it"
            + " runs with: install for Brave without --user-data-dir",
        assertThrows(InstallException.class, () -> mac.target(Browser.BRAVE, "nm_host", Path.of("/tmp/p"))).getMessage());
  }

  /**
   * On macOS Brave's manifest is Google Chrome's: installing Brave keeps Chrome's callers and says Chrome reads it,
   * uninstalling a caller for Brave says Chrome finds the same, and doctor examines the file once.
   */
  @Test
  void aManifestBraveSharesWithChromeSaysWhoElseReadsIt(@TempDir Path root) throws IOException {
    InstallFixture mac = new InstallFixture(root, OperatingSystem.MACOS);
    Path shared = mac.home.resolve("Library/Application Support/Google/Chrome/NativeMessagingHosts/nm_host.json");
    assertEquals(0, mac.install("--browser", "chrome", "--extension-id", InstallFixture.OTHER_ID).status());

    var brave = mac.install("--browser", "brave", "--extension-id", InstallFixture.ID);

    assertEquals(0, brave.status(), brave.err());
    assertTrue(brave.out().startsWith("installed brave: " + shared + " (Google Chrome reads it too)\n"), brave.out());
    assertEquals(
        List.of("chrome-extension://" + InstallFixture.OTHER_ID + "/", "chrome-extension://" + InstallFixture.ID + "/"),
        callers(shared));

    var doctor = mac.doctor();
    assertEquals(1, doctor.out().lines().filter(line -> line.contains(shared.toString())).count(), doctor.out());
    assertTrue(doctor.out().contains("[ok]      chrome,brave " + shared + " starts "), doctor.out());

    // Brave's caller leaves the file both read; Chrome's stays.
    var braveCaller = mac.uninstall("--browser", "brave", "--extension-id", InstallFixture.ID);
    assertEquals(0, braveCaller.status(), braveCaller.err());
    assertEquals("updated " + shared + " (Google Chrome reads it too, and finds the same)\n", braveCaller.out());
    assertEquals(List.of("chrome-extension://" + InstallFixture.OTHER_ID + "/"), callers(shared));

    var both = mac.uninstall("--browser", "chrome,brave");

    assertEquals(0, both.status(), both.err());
    assertEquals("removed " + shared + "\n", both.out());
    assertFalse(Files.exists(shared));
  }

  private static List<String> callers(Path manifest) throws IOException {
    List<String> callers = new ArrayList<>();
    dev.nm.protocol.Json.mapper().readTree(manifest.toFile()).get("allowed_origins").forEach(c -> callers.add(c.asText()));
    return callers;
  }

  @Test
  void macUserAndSystemDirectories() {
    ManifestLocations mac = new ManifestLocations(OperatingSystem.MACOS, HOME, null, null);

    assertEquals(
        Path.of("/home/ada/Library/Application Support/Microsoft Edge/NativeMessagingHosts/nm_host.json"),
        mac.target(Browser.EDGE, "nm_host", false).manifestFile());
    assertEquals(Path.of("/Library/Google/Chrome/NativeMessagingHosts/nm_host.json"), mac.target(Browser.CHROME, "nm_host", true).manifestFile());
    InstallException vivaldi = assertThrows(InstallException.class, () -> mac.target(Browser.VIVALDI, "nm_host", true));
    assertEquals("Vivaldi has no known system-wide manifest directory on MACOS; install for the current user instead (drop --system)", vivaldi.getMessage());
  }

  @Test
  void systemWideWithoutNamedBrowsersSkipsThoseWithNoSystemDirectory(@TempDir Path root) throws IOException {
    InstallFixture mac = new InstallFixture(root, OperatingSystem.MACOS);

    var doctor = mac.doctor("--system");
    var namedVivaldi = mac.doctor("--system", "--browser", "vivaldi");

    assertEquals("", doctor.err());
    assertEquals(
        List.of("chrome,brave", "chromium", "edge", "firefox"),
        doctor.out().lines().filter(line -> line.startsWith("[note]") && line.contains("not installed"))
            .map(line -> line.substring(10).split(" ")[0])
            .toList());
    assertEquals(
        "nm-host doctor: Vivaldi has no known system-wide manifest directory on MACOS; install for the current user"
            + " instead (drop --system)\n",
        namedVivaldi.err());
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
    // Brave and Vivaldi read Chrome's key: a Chrome user who never installed them uninstalls Chrome alone.
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
        launcher + " install --browser edge --extension-id " + InstallFixture.ID + " --host-path " + launcher, missing.fix());
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
