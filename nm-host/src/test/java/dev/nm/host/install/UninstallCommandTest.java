package dev.nm.host.install;

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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UninstallCommandTest {
  @TempDir Path root;

  @Test
  void uninstallRemovesTheManifestAndTheOrigin() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    Path profile = root.resolve("profile");
    machine.install("--user-data-dir", profile.toString(), "--extension-id", ID);

    var result = machine.uninstall("--user-data-dir", profile.toString());

    assertEquals(0, result.status(), result.err());
    Path manifest = profile.resolve("NativeMessagingHosts/nm_host.json");
    assertFalse(Files.exists(manifest));
    assertEquals("removed " + manifest + "\n", result.out());
    assertEquals("{}", Json.mapper().readTree(machine.config()).get("origins").toString());
    List<JsonNode> audit = new ArrayList<>();
    for (String line : Files.readAllLines(machine.context.paths().auditLog())) {
      audit.add(Json.mapper().readTree(line));
    }
    assertEquals(2, audit.size());
    assertEquals("config_changed", audit.get(0).get("event").asText());
    assertEquals("[\"chrome-extension://" + ID + "/\"]", audit.get(0).get("origins_added").toString());
    assertEquals("[\"chrome-extension://" + ID + "/\"]", audit.get(1).get("origins_removed").toString());
  }

  /**
   * A manifest nm-host cannot read lists callers it cannot see: installing over it or removing one caller from it
   * would drop them, so both refuse and leave it as it is; uninstalling the whole manifest still removes it.
   */
  @Test
  void aManifestThatDoesNotParseIsLeftAsItIsByChangesThatKeepCallers() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    Path manifest = machine.home.resolve(".config/google-chrome/NativeMessagingHosts/nm_host.json");
    Files.createDirectories(manifest.getParent());
    String damaged = "{\"name\": \"nm_host\", \"allowed_origins\": [\"chrome-extension://" + OTHER_ID + "/\"";
    Files.writeString(manifest, damaged);

    var install = machine.install("--browser", "chrome", "--extension-id", ID);
    var uninstallOne = machine.uninstall("--browser", "chrome", "--extension-id", OTHER_ID);

    assertEquals(1, install.status());
    assertEquals("nm-host install: " + manifest + " is not a manifest nm-host can read (not a JSON object), so changing"
        + " it would lose the callers it lists: fix it, or remove it and install again\n", install.err());
    assertEquals(1, uninstallOne.status());
    assertEquals(damaged, Files.readString(manifest));
    assertEquals(0, machine.uninstall("--browser", "chrome").status());
    assertFalse(Files.exists(manifest));
  }

  @Test
  void uninstallingOneExtensionKeepsTheOthers() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    machine.install("--browser", "chrome", "--extension-id", ID, "--extension-id", OTHER_ID);

    var result = machine.uninstall("--browser", "chrome", "--extension-id", ID);

    assertEquals(0, result.status(), result.err());
    JsonNode manifest = Json.mapper().readTree(machine.home.resolve(".config/google-chrome/NativeMessagingHosts/nm_host.json").toFile());
    assertEquals("[\"chrome-extension://" + OTHER_ID + "/\"]", manifest.get("allowed_origins").toString());
    assertEquals(machine.launcher.toString(), manifest.get("path").asText());
    JsonNode origins = Json.mapper().readTree(machine.config()).get("origins");
    assertFalse(origins.has("chrome-extension://" + ID + "/"));
    assertTrue(origins.has("chrome-extension://" + OTHER_ID + "/"));
  }

  @Test
  void anOriginStillListedByAnotherBrowserStaysAllowed() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    machine.install("--browser", "chrome,chromium", "--extension-id", ID);

    machine.uninstall("--browser", "chrome");

    assertFalse(Files.exists(machine.home.resolve(".config/google-chrome/NativeMessagingHosts/nm_host.json")));
    assertTrue(Files.exists(machine.home.resolve(".config/chromium/NativeMessagingHosts/nm_host.json")));
    assertTrue(Json.mapper().readTree(machine.config()).get("origins").has("chrome-extension://" + ID + "/"));

    machine.uninstall("--browser", "chromium");

    assertFalse(Json.mapper().readTree(machine.config()).get("origins").has("chrome-extension://" + ID + "/"));
  }

  /** The config is the user's: a profile's manifest removed, the user-wide one still starts the host for the caller. */
  @Test
  void anOriginStillListedAtAnotherLevelStaysAllowed() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    Path profile = root.resolve("profile");
    machine.install("--browser", "chromium", "--extension-id", ID);
    machine.install("--user-data-dir", profile.toString(), "--extension-id", ID);

    machine.uninstall("--user-data-dir", profile.toString());

    assertFalse(Files.exists(profile.resolve("NativeMessagingHosts/nm_host.json")));
    assertTrue(Json.mapper().readTree(machine.config()).get("origins").has("chrome-extension://" + ID + "/"));
  }

  /**
   * The other way round: the user-wide manifest removed, a profile's still starts the host for the caller, which
   * stays allowed; once the profile's is removed too, it is revoked.
   */
  @Test
  void anOriginStillListedInAProfileInstalledIntoStaysAllowed() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    Path profile = root.resolve("work profile");
    machine.install("--browser", "chromium", "--extension-id", ID);
    machine.install("--user-data-dir", profile.toString(), "--extension-id", ID);

    machine.uninstall("--browser", "chromium");
    assertTrue(Json.mapper().readTree(machine.config()).get("origins").has("chrome-extension://" + ID + "/"));

    machine.uninstall("--user-data-dir", profile.toString());
    assertFalse(Json.mapper().readTree(machine.config()).get("origins").has("chrome-extension://" + ID + "/"));
  }

  /** Every host name's manifests start hosts that read the one config: one name uninstalled, another's keeps the grant. */
  @Test
  void anOriginStillListedUnderAnotherHostNameStaysAllowed() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    machine.install("--browser", "chrome", "--extension-id", ID);
    machine.install("--browser", "chrome", "--host-name", "nm_host_dev", "--extension-id", ID);

    var result = machine.uninstall("--host-name", "nm_host_dev");

    assertEquals(0, result.status(), result.err());
    assertFalse(Files.exists(machine.home.resolve(".config/google-chrome/NativeMessagingHosts/nm_host_dev.json")));
    assertTrue(Json.mapper().readTree(machine.config()).get("origins").has("chrome-extension://" + ID + "/"));

    machine.uninstall("--browser", "chrome");

    assertFalse(Json.mapper().readTree(machine.config()).get("origins").has("chrome-extension://" + ID + "/"));
  }

  /**
   * A profile holding two host names' manifests stays recorded while one is left: uninstall still finds the caller
   * it lists after the other name is uninstalled from it.
   */
  @Test
  void aProfileStaysRecordedWhileAnotherHostNamesManifestIsInIt() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    Path profile = root.resolve("profile");
    machine.install("--user-data-dir", profile.toString(), "--extension-id", ID);
    machine.install("--user-data-dir", profile.toString(), "--host-name", "nm_host_dev", "--extension-id", ID);
    machine.uninstall("--user-data-dir", profile.toString(), "--host-name", "nm_host_dev");
    machine.install("--browser", "chromium", "--extension-id", ID);

    machine.uninstall("--browser", "chromium");

    assertTrue(Files.exists(profile.resolve("NativeMessagingHosts/nm_host.json")));
    assertTrue(Json.mapper().readTree(machine.config()).get("origins").has("chrome-extension://" + ID + "/"));
  }

  @Test
  void firefoxAddonsAreRevokedUnderTheirHostOrigin() throws IOException {
    InstallFixture machine = new InstallFixture(root);
    machine.install("--browser", "firefox", "--firefox-extension-id", InstallFixture.ADDON);

    var result = machine.uninstall("--browser", "firefox");

    assertEquals(0, result.status(), result.err());
    assertFalse(Files.exists(machine.home.resolve(".mozilla/native-messaging-hosts/nm_host.json")));
    assertEquals("{}", Json.mapper().readTree(machine.config()).get("origins").toString());
  }

  @Test
  void uninstallWithNothingInstalledSaysSo() throws IOException {
    InstallFixture machine = new InstallFixture(root);

    var result = machine.uninstall();

    assertEquals(0, result.status());
    assertEquals("nothing to uninstall: no manifest for host 'nm_host' found\n", result.out());
  }
}
