package dev.nm.routes.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two stores on one database play two host processes: each sees what the other commits, on its next read. */
class SettingsStoreTest {
  @TempDir Path dir;

  @Test
  void aValueKeptOnceReadGivesWayToAnotherConnectionsCommit() {
    Path db = dir.resolve("data/nm.db");
    try (SettingsStore daemon = SettingsStore.open(db);
        SettingsStore standalone = SettingsStore.open(db)) {
      assertEquals(Optional.empty(), daemon.get("model.generation"));

      standalone.put("model.generation", "\"a\"");
      assertEquals(Optional.of("\"a\""), daemon.get("model.generation"));
      assertEquals(Optional.of("\"a\""), daemon.get("model.generation"));

      daemon.put("model.generation", "\"b\"");
      assertEquals(Optional.of("\"b\""), daemon.get("model.generation"));
      assertEquals(Optional.of("\"b\""), standalone.get("model.generation"));

      standalone.remove("model.generation");
      assertEquals(Optional.empty(), daemon.get("model.generation"));
    }
  }

  @Test
  void valuesSurviveReopening() {
    Path db = dir.resolve("data/nm.db");
    try (SettingsStore store = SettingsStore.open(db)) {
      store.put("params.global", "{\"temperature\":0.2}");
    }
    try (SettingsStore store = SettingsStore.open(db)) {
      assertEquals(Optional.of("{\"temperature\":0.2}"), store.get("params.global"));
    }
  }
}
