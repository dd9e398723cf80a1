package dev.nm.routes.settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Durable key/value settings of the AI routes, in the host's SQLite database ({@code HostPaths.database()}),
 * table {@code ai_settings}. Values are JSON text. Thread-safe; one connection, statements serialised.
 */
public final class SettingsStore implements AutoCloseable {
  private final Path file;
  private final Connection connection;

  private SettingsStore(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /** Opens (creating if needed) the database file and the table. */
  public static SettingsStore open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = connection.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA busy_timeout=5000");
        s.execute("CREATE TABLE IF NOT EXISTS ai_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      }
      return new SettingsStore(file, connection);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory of " + file, e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the settings database " + file + ": " + e.getMessage(), e);
    }
  }

  public synchronized Optional<String> get(String key) {
    try (PreparedStatement q = connection.prepareStatement("SELECT value FROM ai_settings WHERE key = ?")) {
      q.setString(1, key);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read", key, e);
    }
  }

  public synchronized void put(String key, String value) {
    try (PreparedStatement u =
        connection.prepareStatement(
            "INSERT INTO ai_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")) {
      u.setString(1, key);
      u.setString(2, value);
      u.executeUpdate();
    } catch (SQLException e) {
      throw failure("write", key, e);
    }
  }

  public synchronized void remove(String key) {
    try (PreparedStatement d = connection.prepareStatement("DELETE FROM ai_settings WHERE key = ?")) {
      d.setString(1, key);
      d.executeUpdate();
    } catch (SQLException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close the settings database " + file, e);
    }
  }

  private IllegalStateException failure(String action, String key, SQLException e) {
    return new IllegalStateException("cannot " + action + " setting '" + key + "' in " + file + ": " + e.getMessage(), e);
  }
}
