package dev.nm.host.install;

import static dev.nm.host.install.InstallFixture.ADDON;
import static dev.nm.host.install.InstallFixture.ID;
import static dev.nm.host.install.InstallFixture.OTHER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallCommandTest {
  @TempDir Path root;

  @Test
  void installIntoUserDataDirWritesTheExactManifestAndAllowsTheOrigin() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    Path profile = root.resolve("profile");

    var result = machine.install("--browser", "chromium", "--user-data-dir", profile.toString(), "--extension-id", ID);

    assertEquals(0, result.status(), result.err());
    Path manifest = profile.resolve("NativeMessagingHosts/nm_host.json");
    assertEquals(
        "{\n"
            + "  \"name\" : \"nm_host\",\n"
            + "  \"description\" : \"nm: local AI for browser extensions\",\n"
            + "  \"path\" : \"" + machine.launcher + "\",\n"
            + "  \"type\" : \"stdio\",\n"
            + "  \"allowed_origins\" : [ \"chrome-extension://" + ID + "/\" ]\n"
            + "}\n",
        Files.readString(manifest));
    JsonNode config = Json.mapper().readTree(machine.config());
    assertEquals(List.of("chrome-extension://" + ID + "/"), fieldNames(config.get("origins")));
    assertEquals(0, config.at("/origins/chrome-extension:~1~1" + ID + "~1/scopes").size());
    assertEquals(
        "installed chromium: " + manifest + "\nallowed in " + machine.context.paths().configFile() + ": chrome-extension://" + ID + "/\n",
        result.out());
  }

  @Test
  void anIdForABrowserFamilyNotInstalledIsReportedAndNotAllowed() throws IOException {
    InstallFixture machine = new InstallFixture(root);

    var result = machine.install("--browser", "chrome", "--extension-id", ID, "--firefox-extension-id", InstallFixture.ADDON);

    assertEquals(0, result.status(), result.err());
    assertTrue(result.out().endsWith(": chrome-extension://" + ID + "/\n"), result.out());
    assertEquals(
        "nm-host install: ignored --firefox-extension-id " + ADDON + ": no Firefox manifest was installed,"
            + " so nothing starts the host for it; add --browser firefox to install one\n",
        result.err());
    JsonNode origins = Json.mapper().readTree(machine.config()).get("origins");
    assertEquals(1, origins.size(), origins.toString());
    assertTrue(origins.has("chrome-extension://" + ID + "/"), origins.toString());
  }

  @Test
  void installWithoutBrowsersCoversEveryChromiumBrowserGivenOnlyAnExtensionId() throws IOException {
    InstallFixture machine = new InstallFixture(root);

    var result = machine.install("--extension-id", ID);

    assertEquals(0, result.status(), result.err());
    for (String dir :
        List.of(
            ".config/google-chrome/NativeMessagingHosts",
            ".config/chromium/NativeMessagingHosts",
            ".config/microsoft-edge/NativeMessagingHosts",
            ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts",
            ".config/vivaldi/NativeMessagingHosts")) {
      JsonNode manifest = Json.mapper().readTree(machine.home.resolve(dir).resolve("nm_host.json").toFile());
      assertEquals("chrome-extension://" + ID + "/", manifest.at("/allowed_origins/0").asText(), dir);
      assertEquals(machine.launcher.toString(), manifest.get("path").asText());
    }
    assertFalse(Files.exists(machine.home.resolve(".mozilla/native-messaging-hosts/nm_host.json")));
  }

  @Test
  void firefoxGetsAllowedExtensions() throws IOException {
    InstallFixture machine = new InstallFixture(root);

    var result = machine.install("--browser", "firefox", "--firefox-extension-id", ADDON, "--host-name", "dev.nm.host");

    assertEquals(0, result.status(), result.err());
    assertEquals(
        "{\n"
            + "  \"name\" : \"dev.nm.host\",\n"
            + "  \"description\" : \"nm: local AI for browser extensions\",\n"
            + "  \"path\" : \"" + machine.launcher + "\",\n"
            + "  \"type\" : \"stdio\",\n"
            + "  \"allowed_extensions\" : [ \"" + ADDON + "\" ]\n"
            + "}\n",
        Files.readString(machine.home.resolve(".mozilla/native-messaging-hosts/dev.nm.host.json")));
    assertTrue(Json.mapper().readTree(machine.config()).get("origins").has("firefox:" + ADDON));
    assertTrue(result.out().endsWith(": firefox:" + ADDON + "\n"), result.out());
  }

  @Test
  void installingAgainAddsCallersAndGrantsScopes() throws IOException {
    InstallFixture machine = new InstallFixture(root);

    machine.install("--browser", "chrome", "--extension-id", ID);
    var result = machine.install("--browser", "chrome", "--extension-id", OTHER_ID, "--scope", "models.manage");

    assertEquals(0, result.status(), result.err());
    JsonNode manifest = Json.mapper().readTree(machine.home.resolve(".config/google-chrome/NativeMessagingHosts/nm_host.json").toFile());
    assertEquals("[\"chrome-extension://" + ID + "/\",\"chrome-extension://" + OTHER_ID + "/\"]", manifest.get("allowed_origins").toString());
    JsonNode origins = Json.mapper().readTree(machine.config()).get("origins");
    assertEquals("[]", origins.get("chrome-extension://" + ID + "/").get("scopes").toString());
    assertEquals("[\"models.manage\"]", origins.get("chrome-extension://" + OTHER_ID + "/").get("scopes").toString());
  }

  @Test
  void installKeepsOtherConfigKeys() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    Files.createDirectories(machine.hostHome);
    Files.writeString(machine.context.paths().configFile(), "{\"host_name\":\"nm_host\",\"workers\":3}");

    var result = machine.install("--browser", "chrome", "--extension-id", ID);

    assertEquals(0, result.status(), result.err());
    JsonNode config = Json.mapper().readTree(machine.config());
    assertEquals(3, config.get("workers").asInt());
    assertEquals("nm_host", config.get("host_name").asText());
    assertTrue(config.get("origins").has("chrome-extension://" + ID + "/"));
  }

  /** An empty config bound to null, and install failed with a NullPointerException's message. */
  @Test
  void anEmptyConfigIsRefusedByNameBeforeAnythingIsWritten() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    Files.createDirectories(machine.hostHome);
    Files.writeString(machine.context.paths().configFile(), "");

    var result = machine.install("--browser", "chrome", "--extension-id", ID);

    assertEquals(1, result.status());
    assertTrue(result.err().contains(machine.context.paths().configFile() + " is empty: it must be a JSON object, e.g. {}"), result.err());
    assertFalse(result.err().contains("NullPointerException"), result.err());
    assertFalse(Files.exists(machine.home.resolve(".config/google-chrome/NativeMessagingHosts/nm_host.json")));
    assertEquals("", machine.config());
  }

  /** install saved the whole config, every default written into a file the user had written by hand. */
  @Test
  void installChangesOnlyTheOriginsOfAHandWrittenConfig() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    Files.createDirectories(machine.hostHome);
    Files.writeString(machine.context.paths().configFile(), "{\"idle_timeout_seconds\": 120}");

    var result = machine.install("--browser", "chrome", "--extension-id", ID);

    assertEquals(0, result.status(), result.err());
    JsonNode config = Json.mapper().readTree(machine.config());
    assertEquals(List.of("idle_timeout_seconds", "origins"), fieldNames(config));
    assertEquals(120, config.get("idle_timeout_seconds").asInt());
    assertEquals("{\"chrome-extension://" + ID + "/\":{\"scopes\":[]}}", config.get("origins").toString());
  }

  /** The file was replaced by a rename: a symbolic link became a file, and the mode became 0600. */
  @Test
  void installWritesThroughASymbolicLinkAndKeepsTheFilesPermissions() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    Files.createDirectories(machine.hostHome);
    Path kept = Files.createDirectories(root.resolve("dotfiles")).resolve("nm-host.json");
    Files.writeString(kept, "{\"workers\": 2, \"origins\": {}}");
    Files.setPosixFilePermissions(kept, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    Path config = machine.context.paths().configFile();
    Files.createSymbolicLink(config, kept);

    var result = machine.install("--browser", "chrome", "--extension-id", ID);

    assertEquals(0, result.status(), result.err());
    assertTrue(Files.isSymbolicLink(config));
    assertEquals(kept, Files.readSymbolicLink(config));
    assertTrue(Json.mapper().readTree(kept.toFile()).get("origins").has("chrome-extension://" + ID + "/"));
    assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));
    try (var left = Files.list(kept.getParent())) {
      assertEquals(List.of(kept), left.toList());
    }
  }

  /**
   * A manifest that cannot be written is found before anything is changed: the allowlist and Chrome's manifest were
   * written, then Chromium's failed, leaving a half install.
   */
  @Test
  void aFolderThatCannotBeWrittenIsRefusedBeforeAnythingIsWritten() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    Files.createDirectories(machine.home.resolve(".config"));
    Files.writeString(machine.home.resolve(".config/chromium"), "a file where a folder goes");

    var result = machine.install("--browser", "chrome,chromium", "--extension-id", ID);

    assertEquals(1, result.status());
    assertEquals("nm-host install: cannot write " + machine.home.resolve(".config/chromium/NativeMessagingHosts/nm_host.json")
        + ": " + machine.home.resolve(".config/chromium") + " is a file, not a directory; move it aside and run this again\n",
        result.err());
    assertFalse(Files.exists(machine.home.resolve(".config/google-chrome")));
    assertFalse(Files.exists(machine.context.paths().configFile()));
  }

  /** --system without the right to write the machine-wide folder failed naming a temporary file. */
  @Test
  void systemWithoutPermissionSaysToRunItWithSudo() throws IOException {
    Path shell = Path.of("/bin/sh");
    org.junit.jupiter.api.Assumptions.assumeTrue(SystemHostPath.problem(shell).isEmpty(), "/bin/sh is not root's here");
    InstallFixture machine = new InstallFixture(root);
    Path system = Files.createDirectories(machine.systemRoot);
    Installer installer = new Installer(machine.context.locations(), machine.context.allowlist(), machine.context.paths(),
        new WindowsRegistry(), dir -> !dir.startsWith(system));

    InstallException refused = org.junit.jupiter.api.Assertions.assertThrows(InstallException.class, () -> installer.install(
        new Placement(java.util.Set.of(Browser.CHROME), "nm_host", true, null), shell, List.of(ID), List.of(), java.util.Set.of()));

    assertEquals("--system writes " + system.resolve("etc/opt/chrome/native-messaging-hosts/nm_host.json")
        + ", and this user may not write in " + system + ": run it with sudo", refused.getMessage());
    assertFalse(Files.exists(machine.context.paths().configFile()));
  }

  /** The same with the file system's own permissions, where the tests do not run as root (root may write anywhere). */
  @Test
  void aFolderThisUserMayNotWriteIsRefused() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root may write anywhere");
    InstallFixture machine = new InstallFixture(root);
    Path config = Files.createDirectories(machine.home.resolve(".config"));
    Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      var result = machine.install("--browser", "chrome", "--extension-id", ID);

      assertEquals(1, result.status());
      assertTrue(result.err().startsWith("nm-host install: cannot write " + config.resolve("google-chrome/NativeMessagingHosts/nm_host.json")
          + ": this user may not write in " + config + "; "), result.err());
      assertFalse(Files.exists(machine.context.paths().configFile()));
    } finally {
      Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void badInputIsRefusedWithTheFix() throws IOException {
    InstallFixture machine = new InstallFixture(root);

    assertEquals(
        "nm-host install: 'ABC' is not a Chromium extension id: an id is 32 letters from a to p, as shown on"
            + " chrome://extensions with Developer mode on\n",
        machine.install("--browser", "chrome", "--extension-id", "ABC").err());
    assertEquals(
        "nm-host install: Firefox needs the extension allowed to start the host: add --firefox-extension-id ID\n",
        machine.install("--browser", "firefox", "--extension-id", ID).err());
    assertEquals(
        "nm-host install: '" + ADDON + "' is a Firefox add-on id, not a Chromium extension id: pass it with"
            + " --firefox-extension-id\n",
        machine.install("--browser", "firefox", "--extension-id", ADDON).err());
    assertEquals(
        "nm-host install: unknown browser 'opera'; expected one of chrome, chromium, edge, brave, vivaldi, firefox or all\n",
        machine.install("--browser", "opera", "--extension-id", ID).err());
    assertEquals(
        "nm-host install: 'Bad-Name' is not a valid native-messaging host name: use lowercase letters, digits and _,"
            + " optionally in dot-separated parts (e.g. nm_host or dev.nm.host)\n",
        machine.install("--host-name", "Bad-Name", "--extension-id", ID).err());
    assertEquals(1, machine.install("--browser", "chrome").status());
    // A refusal for one browser writes nothing for the others: no manifest whose callers are not allowed.
    assertEquals(
        "nm-host install: Firefox needs the extension allowed to start the host: add --firefox-extension-id ID\n",
        machine.install("--browser", "chrome", "--browser", "firefox", "--extension-id", ID).err());
    assertFalse(Files.exists(machine.home.resolve(".config")));
    assertFalse(Files.exists(machine.context.paths().configFile()));
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new java.util.ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void twoInstallsRunAtOnceBothStayInTheManifest() throws Exception {
    // Each install reads the manifest's callers, adds its own and writes it back: run at once, the second
    // wrote over the first's caller, which the browser then refused to start the host for.
    java.util.concurrent.ExecutorService installers = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        InstallFixture machine = new InstallFixture(root.resolve("round" + round));
        Path profile = root.resolve("round" + round + "/profile");
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        List<java.util.concurrent.Future<InstallFixture.Result>> results = new java.util.ArrayList<>();
        for (String id : List.of(ID, OTHER_ID)) {
          results.add(installers.submit(() -> {
            together.await();
            return machine.install("--browser", "chromium", "--user-data-dir", profile.toString(), "--extension-id", id);
          }));
        }
        for (var result : results) {
          assertEquals(0, result.get().status(), result.get().err());
        }
        JsonNode manifest = Json.mapper().readTree(profile.resolve("NativeMessagingHosts/nm_host.json").toFile());
        assertEquals(
            List.of("chrome-extension://" + ID + "/", "chrome-extension://" + OTHER_ID + "/").stream().sorted().toList(),
            java.util.stream.StreamSupport.stream(manifest.get("allowed_origins").spliterator(), false)
                .map(JsonNode::textValue).sorted().toList(),
            "round " + round);
      }
    } finally {
      installers.shutdownNow();
    }
  }
}
