package dev.nm.routes.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

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

  /** Each session a client names is a key read: the values kept do not grow with them. */
  @Test
  void theValuesKeptAreBounded() {
    try (SettingsStore store = SettingsStore.open(dir.resolve("data/nm.db"))) {
      for (int i = 0; i < 3 * SettingsStore.MAX_KEPT; i++) {
        assertEquals(Optional.empty(), store.get("params.session.o\n" + i));
      }
      assertTrue(store.kept() <= SettingsStore.MAX_KEPT, "kept " + store.kept());
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

  @Test
  void aWriteTheDatabaseRefusesReachesTheCallerAsABackendErrorSayingWhy() throws Exception {
    // Here another process holds the write lock past the busy timeout; a full disk (SQLITE_FULL) or a read-only
    // home (SQLITE_READONLY) fail the same statement the same way.
    Path db = dir.resolve("data/nm.db");
    try (SettingsStore store = SettingsStore.open(db);
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement lock = other.createStatement()) {
      lock.execute("BEGIN EXCLUSIVE");
      RouteException e = assertThrows(RouteException.class, () -> store.put("params.global", "{\"temperature\":0.2}"));
      assertEquals(ErrorCode.BACKEND_ERROR, e.code(), "not INTERNAL_ERROR, whose message says only that the route failed");
      assertTrue(e.getMessage().contains("params.global") && e.getMessage().contains("SQLITE_BUSY"), e.getMessage());
      lock.execute("ROLLBACK");
      assertEquals(java.util.Optional.empty(), store.get("params.global"), "not kept as if saved");
    }
  }

  @Test
  void aDamagedDatabaseFailsEachCallSayingWhyUntilItIsMovedAsideAndIsNeverOverwritten() throws Exception {
    Path db = dir.resolve("data/nm.db");
    java.nio.file.Files.createDirectories(db.getParent());
    byte[] damaged = new byte[4096];
    new java.util.Random(7).nextBytes(damaged);
    java.nio.file.Files.write(db, damaged);

    try (SettingsStore store = SettingsStore.open(db)) {
      RouteException read = assertThrows(RouteException.class, () -> store.get("params.global"));
      assertEquals(ErrorCode.BACKEND_ERROR, read.code());
      assertTrue(read.getMessage().contains("settings database cannot be opened") && read.getMessage().contains("not a database"),
          read.getMessage());
      assertTrue(!read.getMessage().contains(dir.toString()), "the path names the user's home: " + read.getMessage());
      RouteException write = assertThrows(RouteException.class, () -> store.put("params.global", "{}"));
      assertEquals(ErrorCode.BACKEND_ERROR, write.code());
      org.junit.jupiter.api.Assertions.assertArrayEquals(damaged, java.nio.file.Files.readAllBytes(db), "left as it was");

      java.nio.file.Files.move(db, dir.resolve("data/nm.db.damaged"));
      assertEquals(Optional.empty(), store.get("params.global"), "opened anew once the file is moved aside");
      store.put("params.global", "{\"temperature\":0.2}");
      assertEquals(Optional.of("{\"temperature\":0.2}"), store.get("params.global"));
    }
  }
}
