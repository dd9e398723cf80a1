package dev.nm.routes.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nm.routes.models.ModelKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AiPreferencesTest {
  private static final String A = "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/";
  private static final String B = "chrome-extension://bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/";

  @TempDir Path dir;

  private static SamplingDefaults temperatureAndTokens(Double temperature, Integer maxTokens) {
    return new SamplingDefaults(temperature, null, null, null, null, null, null, null, maxTokens);
  }

  @Test
  void aSessionsDefaultsOverrideTheGlobalOnesFieldByField() {
    try (SettingsStore store = SettingsStore.open(dir.resolve("data/nm.db"))) {
      AiPreferences preferences = new AiPreferences(store);
      preferences.setDefaults(A, null, temperatureAndTokens(0.7, 100));
      preferences.setDefaults(A, "s1", temperatureAndTokens(0.1, null));
      assertEquals(temperatureAndTokens(0.1, 100), preferences.effectiveDefaults(A, "s1"));
      assertEquals(temperatureAndTokens(0.7, 100), preferences.effectiveDefaults(A, "s2"));
      assertEquals(temperatureAndTokens(0.7, 100), preferences.effectiveDefaults(A, null));
      assertEquals(SamplingDefaults.NONE, preferences.sessionDefaults(A, "s2"));
    }
  }

  /** Setting a session's defaults to none removes its entry from the database. */
  @Test
  void aSessionSetToNoDefaultsLeavesNoEntry() throws Exception {
    Path db = dir.resolve("data/nm.db");
    try (SettingsStore store = SettingsStore.open(db)) {
      AiPreferences preferences = new AiPreferences(store);
      preferences.setDefaults(A, "s1", temperatureAndTokens(0.1, null));
      assertEquals(1, rows(db));
      preferences.setDefaults(A, "s1", SamplingDefaults.NONE);
      assertEquals(0, rows(db));
      assertEquals(SamplingDefaults.NONE, preferences.sessionDefaults(A, "s1"));
    }
  }

  private static int rows(Path db) throws java.sql.SQLException {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM ai_settings")) {
      return rs.getInt(1);
    }
  }

  @Test
  void aSessionBelongsToTheOriginThatNamedIt() {
    try (SettingsStore store = SettingsStore.open(dir.resolve("nm.db"))) {
      AiPreferences preferences = new AiPreferences(store);
      preferences.setDefaults(A, null, temperatureAndTokens(0.7, 100));
      preferences.setDefaults(A, "main", temperatureAndTokens(0.1, 5));
      assertEquals(SamplingDefaults.NONE, preferences.sessionDefaults(B, "main"));
      assertEquals(temperatureAndTokens(0.7, 100), preferences.effectiveDefaults(B, "main"), "B's session 'main' is its own");
      preferences.setDefaults(B, "main", temperatureAndTokens(1.5, null));
      assertEquals(temperatureAndTokens(0.1, 5), preferences.sessionDefaults(A, "main"), "B did not change A's session");
    }
  }

  @Test
  void everythingSurvivesReopeningTheDatabase() {
    Path db = dir.resolve("nm.db");
    try (SettingsStore store = SettingsStore.open(db)) {
      AiPreferences preferences = new AiPreferences(store);
      preferences.selectModel(ModelKind.GENERATION, "SmolLM2-135M-Instruct.Q4_1");
      preferences.setDefaults(A, "s1", temperatureAndTokens(0.3, 7));
    }
    try (SettingsStore store = SettingsStore.open(db)) {
      AiPreferences preferences = new AiPreferences(store);
      assertEquals(Optional.of("SmolLM2-135M-Instruct.Q4_1"), preferences.defaultModel(ModelKind.GENERATION));
      assertEquals(Optional.empty(), preferences.defaultModel(ModelKind.EMBEDDING));
      assertEquals(temperatureAndTokens(0.3, 7), preferences.sessionDefaults(A, "s1"));
    }
  }

  @Test
  void defaultsSavedByANewerVersionWithAParameterThisOneLacksStillApply() {
    // A daemon of the next version (the new one, while a retired one serves its last ports, or before a
    // downgrade) saves a parameter this version does not know.
    try (SettingsStore store = SettingsStore.open(dir.resolve("nm.db"))) {
      store.put("params.global", "{\"temperature\":0.4,\"typical_p\":0.9}");
      store.put("params.session." + A + "\ns1", "{\"max_tokens\":12,\"mirostat\":2}");
      AiPreferences preferences = new AiPreferences(store);
      assertEquals(temperatureAndTokens(0.4, null), preferences.globalDefaults());
      assertEquals(temperatureAndTokens(0.4, 12), preferences.effectiveDefaults(A, "s1"));
    }
  }

  @Test
  void anUnreadableSavedValueIsLeftInPlaceAndReadAsUnsetInsteadOfFailingEveryGeneration() {
    try (SettingsStore store = SettingsStore.open(dir.resolve("nm.db"))) {
      store.put("params.global", "{\"temperature\":\"warm\"}");
      store.put("params.session." + A + "\ns1", "{\"max_tokens\":12}");
      AiPreferences preferences = new AiPreferences(store);
      assertEquals(temperatureAndTokens(null, 12), preferences.effectiveDefaults(A, "s1"));
      assertEquals(SamplingDefaults.NONE, preferences.effectiveDefaults(A, null));
      assertEquals(Optional.of("{\"temperature\":\"warm\"}"), store.get("params.global"), "nothing is overwritten");
    }
  }

  /**
   * repeat_penalty 0 was once allowed, and llama.cpp divides by it: a row saved then (or edited by hand) applies
   * without that parameter, the others as saved, and the log says so once, naming it, its value and its range.
   */
  @Test
  void aSavedParameterOutOfItsRangeIsLoggedOnceAndReadAsUnsetTheOthersApplying() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(AiPreferences.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try (SettingsStore store = SettingsStore.open(dir.resolve("nm.db"))) {
      String saved = "{\"repeat_penalty\":0,\"temperature\":0.3,\"top_k\":5000}";
      store.put("params.global", saved);
      AiPreferences preferences = new AiPreferences(store);
      for (int i = 0; i < 3; i++) {
        assertEquals(temperatureAndTokens(0.3, null), preferences.effectiveDefaults(A, null));
        assertEquals(temperatureAndTokens(0.3, null), preferences.globalDefaults(), "get_params shows what applies");
      }
      assertEquals(Optional.of(saved), store.get("params.global"), "the row is left in place");
      assertEquals(
          List.of("setting 'params.global' holds defaults out of range, applied as unset (the others apply; set_params"
              + " replaces them): repeat_penalty 0.0 is outside its range (0, 2]; top_k 5000 is outside its range"
              + " [0, 1000]"),
          lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList());
    } finally {
      logger.detachAppender(lines);
    }
  }
}
