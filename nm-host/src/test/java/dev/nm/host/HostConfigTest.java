package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.route.RateTier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostConfigTest {
  static final String ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

  @TempDir Path dir;

  @Test
  void missingFileReadsAsDefaults() throws IOException {
    HostConfig config = HostConfig.load(dir.resolve("config.json"));
    assertEquals(HostConfig.defaults(), config);
    assertEquals("nm_host", config.hostName());
    assertEquals(8, config.workers());
    assertEquals(new HostConfig.RateLimit(600, 600), config.rateLimits().get(RateTier.LIGHT));
    assertFalse(config.allows(ORIGIN));
  }

  @Test
  void savesAndLoadsSnakeCaseJson() throws IOException {
    Path file = dir.resolve("nested/config.json");
    HostConfig config =
        HostConfig.defaults()
            .withOrigin(ORIGIN, List.of("models.manage", "chat"))
            .withRateLimit(RateTier.HEAVY, new HostConfig.RateLimit(5, 10))
            .withWorkers(3);
    config.save(file);
    String json = Files.readString(file);
    assertTrue(json.contains("\"max_in_flight_per_connection\" : 64"), json);
    assertTrue(json.contains("\"refill_per_minute\" : 10"), json);
    assertFalse(json.contains("allows_any_origin"), json);
    HostConfig loaded = HostConfig.load(file);
    assertEquals(config, loaded);
    assertEquals(List.of("chat", "models.manage"), loaded.origins().get(ORIGIN).scopes());
    assertTrue(loaded.grants(ORIGIN, "chat"));
    assertFalse(loaded.grants(ORIGIN, "admin"));
    assertTrue(loaded.grants(ORIGIN, ""));
  }

  @Test
  void partialFileKeepsDefaultsForMissingKeys() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"workers\": 2, \"rate_limits\": {\"LIGHT\": {\"capacity\": 1, \"refill_per_minute\": 1}}}");
    HostConfig config = HostConfig.load(file);
    assertEquals(2, config.workers());
    assertEquals(new HostConfig.RateLimit(1, 1), config.rateLimits().get(RateTier.LIGHT));
    assertEquals(new HostConfig.RateLimit(60, 60), config.rateLimits().get(RateTier.HEAVY));
  }

  @Test
  void unknownKeyIsRefusedByName() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"origins\": {}, \"worker\": 2}");
    IOException e = assertThrows(IOException.class, () -> HostConfig.load(file));
    assertTrue(e.getMessage().startsWith(file + ": unknown key 'worker' at the top level; known keys there: "), e.getMessage());
    assertTrue(e.getMessage().contains("workers"), e.getMessage());
  }

  @Test
  void unknownNestedKeyIsRefusedWithItsPath() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"origins\": {\"" + ORIGIN + "\": {\"scope\": [\"chat\"]}}}");
    IOException e = assertThrows(IOException.class, () -> HostConfig.load(file));
    assertEquals(
        file + ": unknown key 'scope' at 'origins." + ORIGIN + "'; known keys there: scopes", e.getMessage());
  }

  @Test
  void invalidValueIsExplained() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"workers\": -1}");
    IOException e = assertThrows(IOException.class, () -> HostConfig.load(file));
    assertEquals(file + ": workers must be at least 1, got -1", e.getMessage());
  }

  /** A null where an object belongs is refused: it must neither lift a rate limit nor leave an origin half-granted. */
  @Test
  void aNullLimitOrGrantIsRefusedByName() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"rate_limits\": {\"HEAVY\": null}}");
    IOException limit = assertThrows(IOException.class, () -> HostConfig.load(file));
    assertTrue(limit.getMessage().startsWith(file + ": rate_limits.HEAVY is null: give it {"), limit.getMessage());
    Files.writeString(file, "{\"origins\": {\"" + ORIGIN + "\": null}}");
    IOException grant = assertThrows(IOException.class, () -> HostConfig.load(file));
    assertTrue(grant.getMessage().startsWith(file + ": origins." + ORIGIN + " is null: give it {"), grant.getMessage());
  }

  /** An empty file, or one holding null, bound to no config at all (load returned null): every reader failed later. */
  @Test
  void aTopLevelThatIsNotAnObjectIsRefusedNamingTheFile() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "");
    HostConfig.InvalidConfigException empty = assertThrows(HostConfig.InvalidConfigException.class, () -> HostConfig.load(file));
    assertEquals(file + " is empty: it must be a JSON object, e.g. {}", empty.getMessage());
    assertEquals("write {} into " + file + " (no origin allowed, every other setting its default)", empty.fix());
    Files.writeString(file, " null\n");
    assertEquals(file + " holds null: it must be a JSON object, e.g. {}",
        assertThrows(IOException.class, () -> HostConfig.load(file)).getMessage());
    Files.writeString(file, "[{\"workers\": 2}]");
    HostConfig.InvalidConfigException array = assertThrows(HostConfig.InvalidConfigException.class, () -> HostConfig.load(file));
    assertEquals(file + " holds an array: it must be a JSON object, e.g. {}", array.getMessage());
    assertTrue(array.fix().startsWith("edit " + file + ": put the settings in one JSON object"), array.fix());
  }

  @Test
  void fixesNameTheKeyOrTheLine() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"worker\": 2}");
    assertEquals("edit " + file + ": remove or rename the key 'worker' at the top level",
        assertThrows(HostConfig.InvalidConfigException.class, () -> HostConfig.load(file)).fix());
    Files.writeString(file, "{\n  \"workers\": 2,\n}");
    HostConfig.InvalidConfigException syntax = assertThrows(HostConfig.InvalidConfigException.class, () -> HostConfig.load(file));
    assertTrue(syntax.getMessage().endsWith("(line 3, column 1)"), syntax.getMessage());
    assertTrue(syntax.fix().startsWith("edit " + file + " at line 3, column 1: "), syntax.fix());
  }

  /** A key given twice is refused where it repeats: the last one silently won, and could take a grant back or add one. */
  @Test
  void aKeyGivenTwiceIsRefusedWithItsLine() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"origins\": {\n  \"chrome-extension://a/\": {\"scopes\": [\"models.manage\"]},\n  \"chrome-extension://a/\": {\"scopes\": []}}}");
    HostConfig.InvalidConfigException twice = assertThrows(HostConfig.InvalidConfigException.class, () -> HostConfig.load(file));
    assertTrue(twice.getMessage().contains("Duplicate field 'chrome-extension://a/'"), twice.getMessage());
    assertTrue(twice.fix().startsWith("edit " + file + " at line 3, column "), twice.fix());
  }

  @Test
  void fileCannotMakeAConfigPermissive() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"allows_any_origin\": true}");
    IOException e = assertThrows(IOException.class, () -> HostConfig.load(file));
    assertTrue(e.getMessage().startsWith(file + ": unknown key 'allows_any_origin' at the top level"), e.getMessage());
  }

  @Test
  void withoutOriginRemovesIt() {
    HostConfig config = HostConfig.defaults().withOrigin(ORIGIN, List.of()).withoutOrigin(ORIGIN);
    assertFalse(config.allows(ORIGIN));
    assertEquals(HostConfig.defaults(), config);
  }

  @Test
  void permissiveAllowsEverythingButIsNeverSaved() {
    HostConfig permissive = HostConfig.permissive();
    assertTrue(permissive.allows("anything"));
    assertTrue(permissive.grants("anything", "models.manage"));
    assertThrows(IllegalStateException.class, () -> permissive.save(dir.resolve("config.json")));
  }
}
