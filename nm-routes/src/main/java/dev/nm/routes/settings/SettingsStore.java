package dev.nm.routes.settings;

import dev.nm.route.RouteException;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable key/value settings of the AI routes, in the host's SQLite database ({@code HostPaths.database()}),
 * table {@code ai_settings}. Values are JSON text. Thread-safe; one connection, statements serialised.
 *
 * <p>Every generation reads several settings (the selected model, global and session defaults), so values are
 * kept once read. Before each read the store asks SQLite whether another connection (another host process on
 * the same database) has committed since ({@code PRAGMA data_version}, which this connection's own commits do
 * not move), and forgets what it kept if so.
 */
public final class SettingsStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);
  private final Path file;
  private final Connection connection;
  private final PreparedStatement dataVersion;
  private final Map<String, Optional<String>> values = new HashMap<>();
  private long valuesVersion = -1;

  private SettingsStore(Path file, Connection connection) throws SQLException {
    this.file = file;
    this.connection = connection;
    this.dataVersion = connection.prepareStatement("PRAGMA data_version");
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
    long version = dataVersion(key);
    if (version != valuesVersion) {
      values.clear();
      valuesVersion = version;
    }
    Optional<String> value = values.get(key);
    if (value == null) {
      value = read(key);
      values.put(key, value);
    }
    return value;
  }

  private long dataVersion(String key) {
    try (ResultSet rs = dataVersion.executeQuery()) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (SQLException e) {
      throw failure("read", key, e);
    }
  }

  private Optional<String> read(String key) {
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
      values.put(key, Optional.of(value));
    } catch (SQLException e) {
      values.remove(key);
      throw failure("write", key, e);
    }
  }

  public synchronized void remove(String key) {
    try (PreparedStatement d = connection.prepareStatement("DELETE FROM ai_settings WHERE key = ?")) {
      d.setString(1, key);
      d.executeUpdate();
      values.put(key, Optional.empty());
    } catch (SQLException e) {
      values.remove(key);
      throw failure("delete", key, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      dataVersion.close();
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close the settings database " + file, e);
    }
  }

  /**
   * What a caller gets when the database fails a statement: {@code BACKEND_ERROR} with SQLite's reason (disk
   * full, read-only, locked by another process past the busy timeout), which may pass, rather than an
   * {@code INTERNAL_ERROR} that says only that the route failed. The database's path, which names the user's
   * home, goes to the log, not to the extension.
   */
  private RouteException failure(String action, String key, SQLException e) {
    LOG.warn("cannot {} setting '{}' in {}: {}", action, key, file, e.getMessage());
    return RouteException.backend("cannot " + action + " setting '" + key + "' in the host's settings database: "
            + e.getMessage(), e)
        .withDetail("setting", key);
  }
}
