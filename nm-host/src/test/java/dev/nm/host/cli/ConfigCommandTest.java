package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code nm-host config allow|revoke}: callers that are not browser extensions, saved and audited. */
class ConfigCommandTest {
  @TempDir Path home;

  private HostPaths paths;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void paths() {
    paths = new HostPaths(home, home.resolve("models"));
  }

  @Test
  void allowAddsTheOriginWithItsScopesAndAuditsIt() throws IOException {
    assertEquals(0, run("allow", CallCommand.CLI_ORIGIN, "--scope", "models.manage", "--scope", "admin"));

    assertEquals("allowed nm-host-cli in " + paths.configFile() + " (scopes: admin, models.manage)\n", out.toString());
    HostConfig config = HostConfig.load(paths.configFile());
    assertEquals(Map.of(CallCommand.CLI_ORIGIN, new HostConfig.OriginGrant(List.of("admin", "models.manage"))), config.origins());
    JsonNode audit = Json.mapper().readTree(Files.readAllLines(paths.auditLog()).get(0));
    assertEquals("config_changed", audit.path("event").asText());
    assertEquals(CallCommand.CLI_ORIGIN, audit.path("origins_added").path(0).asText());
  }

  @Test
  void allowingAgainAddsScopesToThoseHeld() throws IOException {
    run("allow", CallCommand.CLI_ORIGIN, "--scope", "models.manage");
    out.getBuffer().setLength(0);

    assertEquals(0, run("allow", CallCommand.CLI_ORIGIN, "--scope", "admin"));

    assertEquals("allowed nm-host-cli in " + paths.configFile() + " (scopes: admin, models.manage)\n", out.toString());
    assertEquals(List.of("admin", "models.manage"),
        HostConfig.load(paths.configFile()).origins().get(CallCommand.CLI_ORIGIN).scopes());
  }

  @Test
  void allowKeepsTheRestOfTheConfig() throws IOException {
    Files.writeString(paths.configFile(), "{\"workers\": 3, \"idle_timeout_seconds\": 60}");

    assertEquals(0, run("allow", "my-app"));

    HostConfig config = HostConfig.load(paths.configFile());
    assertEquals(3, config.workers());
    assertEquals(60, config.idleTimeoutSeconds());
    assertEquals(List.of(), config.origins().get("my-app").scopes());
    assertEquals("allowed my-app in " + paths.configFile() + " (no scopes)\n", out.toString());
  }

  /** allow saved the whole config: defaults written in, the user's order lost. */
  @Test
  void allowAndRevokeChangeOnlyTheOriginsInTheUsersOrder() throws IOException {
    Files.writeString(paths.configFile(), "{\"workers\": 3, \"origins\": {\"my-app\": {}}, \"idle_timeout_seconds\": 60}");

    assertEquals(0, run("allow", CallCommand.CLI_ORIGIN, "--scope", "admin"));
    assertEquals(0, run("revoke", "my-app"));

    JsonNode config = Json.mapper().readTree(paths.configFile().toFile());
    List<String> keys = new java.util.ArrayList<>();
    config.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("workers", "origins", "idle_timeout_seconds"), keys);
    assertEquals("{\"nm-host-cli\":{\"scopes\":[\"admin\"]}}", config.get("origins").toString());
  }

  @Test
  void allowRefusesAMalformedExtensionOrigin() {
    assertEquals(2, run("allow", "chrome-extension://abcdefghijklmnopabcdefghijklmnop"));

    assertTrue(err.toString().startsWith(
        "'chrome-extension://abcdefghijklmnopabcdefghijklmnop' is not an extension origin: it is chrome-extension://ID/"
            + " with the 32-letter id; to allow an extension, prefer nm-host install --extension-id ID"), err::toString);
    assertFalse(Files.exists(paths.configFile()));
  }

  @Test
  void revokeRemovesTheOriginAndAuditsIt() throws IOException {
    run("allow", CallCommand.CLI_ORIGIN);
    run("allow", "my-app");
    out.getBuffer().setLength(0);

    assertEquals(0, run("revoke", CallCommand.CLI_ORIGIN));

    assertEquals("revoked nm-host-cli in " + paths.configFile() + "\n", out.toString());
    assertEquals(List.of("my-app"), List.copyOf(HostConfig.load(paths.configFile()).origins().keySet()));
    List<String> audit = Files.readAllLines(paths.auditLog());
    assertEquals(3, audit.size());
    assertEquals(CallCommand.CLI_ORIGIN, Json.mapper().readTree(audit.get(2)).path("origins_removed").path(0).asText());
  }

  @Test
  void revokingAnOriginNotAllowedChangesNothing() {
    assertEquals(0, run("revoke", "my-app"));

    assertEquals("my-app is not allowed in " + paths.configFile() + "; nothing to revoke\n", out.toString());
    assertFalse(Files.exists(paths.configFile()));
    assertFalse(Files.exists(paths.auditLog()));
  }

  /** It printed "null" for a file holding null. */
  @Test
  void showRefusesAConfigThatIsNotAnObject() throws IOException {
    Files.writeString(paths.configFile(), "null");

    assertEquals(1, run("show"));

    assertEquals("", out.toString());
    assertTrue(err.toString().contains(paths.configFile() + " holds null: it must be a JSON object, e.g. {}"), err::toString);
  }

  private int run(String... args) {
    return new CommandLine(new ConfigCommand(paths))
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }
}
