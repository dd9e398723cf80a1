package dev.nm.routes.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
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

  /**
   * A database moved aside while open (SQLite in WAL mode goes on with the moved file, reporting nothing): the next
   * call opens the file now at the path, so a write is not lost into the moved one.
   */
  @Test
  void aDatabaseMovedAsideWhileOpenIsLeftForTheFileAtItsPath() throws Exception {
    Path db = dir.resolve("data/nm.db");
    try (SettingsStore store = SettingsStore.open(db)) {
      store.put("a", "1");
      Path aside = Files.createDirectories(dir.resolve("aside"));
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Path part = db.resolveSibling("nm.db" + suffix);
        if (Files.exists(part)) {
          Files.move(part, aside.resolve("nm.db" + suffix));
        }
      }
      store.put("params.global", "{}");
      assertEquals(Optional.empty(), store.get("a"), "the new file has none of the moved one's values");
    }
    try (SettingsStore reopened = SettingsStore.open(db)) {
      assertEquals(Optional.of("{}"), reopened.get("params.global"));
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

  /**
   * Damage found once the database is open (pages of its table overwritten): the connection that found it was kept,
   * so after the user moved the files aside as the log advises, every call still failed, and writes went into the
   * moved file. The store now drops that connection, and the next call opens a new database.
   */
  @Test
  void aDatabaseFoundDamagedOnceOpenIsOpenedAnewOnceItIsMovedAside() throws Exception {
    Path db = dir.resolve("data/nm.db");
    try (SettingsStore store = SettingsStore.open(db)) {
      for (int i = 0; i < 20; i++) {
        store.put("params.session.o\n" + i, "{\"temperature\":0.2}");
      }
      assertEquals(Optional.of("{\"temperature\":0.2}"), store.get("params.session.o\n1"));
      // Another process commits, so that the store reads afresh, and the log is checkpointed into the file.
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement statement = other.createStatement()) {
        statement.execute("INSERT INTO ai_settings (key, value) VALUES ('other', '{}')");
        statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      try (RandomAccessFile file = new RandomAccessFile(db.toFile(), "rw")) {
        byte[] garbage = new byte[2 * 4096];
        Arrays.fill(garbage, (byte) 0x5a);
        file.seek(4096); // pages 2 and 3: the table and its key's index
        file.write(garbage);
      }
      RouteException e = assertThrows(RouteException.class, () -> store.get("params.session.o\n1"));
      assertEquals(ErrorCode.BACKEND_ERROR, e.code());
      assertTrue(e.getMessage().contains("SQLITE_CORRUPT") && e.getMessage().contains("move it aside"), e.getMessage());

      for (String suffix : List.of("", "-wal", "-shm")) {
        Path part = dir.resolve("data/nm.db" + suffix);
        if (Files.exists(part)) {
          Files.move(part, dir.resolve("data/nm.db.damaged" + suffix));
        }
      }
      assertEquals(Optional.empty(), store.get("params.session.o\n1"), "a new database");
      store.put("params.global", "{}");
      assertEquals(Optional.of("{}"), store.get("params.global"));
    }
    try (SettingsStore reopened = SettingsStore.open(db)) {
      assertEquals(Optional.of("{}"), reopened.get("params.global"), "written into the new file, not the moved one");
    }
  }
}
