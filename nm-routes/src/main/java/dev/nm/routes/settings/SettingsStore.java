package dev.nm.routes.settings;

import dev.nm.route.RouteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Durable key/value settings of the AI routes, in the host's SQLite database ({@code HostPaths.database()}),
 * table {@code ai_settings}. Values are JSON text. Thread-safe; one connection, statements serialised.
 *
 * <p>A database that cannot be opened stops nothing but the calls that need a setting: see {@link #open}. One that
 * turns out damaged once open (SQLite reports it corrupt, not a database, failing to read or write the file, or
 * moved) fails the call that found it, and the store closes its connection, so that the next call opens the file
 * anew: once the damaged file is moved aside, a new one.
 *
 * <p>Every generation reads several settings (the selected model, global and session defaults), so values are
 * kept once read. Before each read the store asks SQLite whether another connection (another host process on
 * the same database) has committed since ({@code PRAGMA data_version}, which this connection's own commits do
 * not move), and forgets what it kept if so.
 */
public final class SettingsStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);
  /** The most values kept once read. */
  static final int MAX_KEPT = 1024;
  private final Path file;
  /** {@link #fileKey()} when the connection was opened. */
  private Object openedFileKey;
  /** Null until the database opens: a store that cannot open it tries again on each use. */
  private Connection connection;
  private PreparedStatement dataVersion;
  private String lastOpenFailure;
  private boolean closed;
  private final Map<String, Optional<String>> values = new HashMap<>();
  private long valuesVersion = -1;

  private SettingsStore(Path file) {
    this.file = file.toAbsolutePath();
  }

  /**
   * A store over the database file, created with its table if there is none. A database that cannot be opened
   * (not a database, unreadable, on a full disk) does not stop the host: the failure is logged, each call that
   * needs a setting answers {@code BACKEND_ERROR} saying why, and the store tries to open the file again on its
   * next use, so moving a damaged file aside takes effect without a restart. The file is never replaced: what a
   * damaged database still holds stays there for its user to recover.
   */
  public static SettingsStore open(Path file) {
    SettingsStore store = new SettingsStore(file);
    synchronized (store) {
      try {
        store.connection();
      } catch (RouteException e) {
        // logged by connection(); the calls that need a setting say why
      }
    }
    return store;
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
      if (values.size() >= MAX_KEPT) {
        values.clear(); // each session a client names is a key: what is kept must not grow with them
      }
      values.put(key, value);
    }
    return value;
  }

  private long dataVersion(String key) {
    connection();
    try (ResultSet rs = dataVersion.executeQuery()) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (SQLException e) {
      throw failure("read", key, e);
    }
  }

  private Optional<String> read(String key) {
    try (PreparedStatement q = connection().prepareStatement("SELECT value FROM ai_settings WHERE key = ?")) {
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
        connection().prepareStatement(
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

  /** How many values are kept once read. */
  synchronized int kept() {
    return values.size();
  }

  public synchronized void remove(String key) {
    try (PreparedStatement d = connection().prepareStatement("DELETE FROM ai_settings WHERE key = ?")) {
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
    closed = true;
    if (connection == null) {
      return;
    }
    try {
      dataVersion.close();
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close the settings database " + file, e);
    } finally {
      connection = null;
    }
  }

  /** The open connection, opening the database first (and creating its table) if it is not open yet. */
  private Connection connection() {
    if (connection != null) {
      if (Objects.equals(fileKey(), openedFileKey)) {
        return connection;
      }
      // Moved aside (or replaced) while open: SQLite in WAL mode goes on with the moved file and reports nothing.
      LOG.info("the settings database {} was moved or replaced; opening the file now at that path", file);
      dropConnection();
    }
    if (closed) {
      throw new IllegalStateException("the settings store of " + file + " is closed");
    }
    Connection opened = null;
    try {
      Files.createDirectories(file.getParent());
      opened = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement s = opened.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA busy_timeout=5000");
        s.execute("CREATE TABLE IF NOT EXISTS ai_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      }
      dataVersion = opened.prepareStatement("PRAGMA data_version");
      connection = opened;
      openedFileKey = fileKey();
      if (lastOpenFailure != null) {
        LOG.info("opened the settings database {}", file);
        lastOpenFailure = null;
      }
      return connection;
    } catch (IOException | SQLException e) {
      closeQuietly(opened);
      // An IOException's message is the path, which names the user's home: the caller gets its kind only.
      String reason = e instanceof SQLException ? e.getMessage() : "cannot create its directory (" + e.getClass().getSimpleName() + ")";
      if (!reason.equals(lastOpenFailure)) {
        LOG.warn(
            "cannot open the settings database {}: {}. Every call that needs a saved setting fails until it opens;"
                + " if the file is damaged, move it aside and nm-host creates a new one on the next call (what the"
                + " old one held stays in the moved file)",
            file,
            e.toString());
        lastOpenFailure = reason;
      }
      throw RouteException.backend(
          "the host's settings database cannot be opened: " + reason + "; the host's log names the file and how to recover", e);
    }
  }

  /** The identity of the file now at the path (its inode on Linux), or null if there is none or no such notion. */
  private Object fileKey() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("closing a settings database connection that failed to open", e);
    }
  }

  /**
   * What a caller gets when the database fails a statement: {@code BACKEND_ERROR} with SQLite's reason (disk
   * full, read-only, locked by another process past the busy timeout), which may pass, rather than an
   * {@code INTERNAL_ERROR} that says only that the route failed. The database's path, which names the user's
   * home, goes to the log, not to the extension.
   */
  private RouteException failure(String action, String key, SQLException e) {
    if (!damaged(e)) {
      LOG.warn("cannot {} setting '{}' in {}: {}", action, key, file, e.getMessage());
      return RouteException.backend("cannot " + action + " setting '" + key + "' in the host's settings database: "
              + e.getMessage(), e)
          .withDetail("setting", key);
    }
    // Kept, this connection would fail every call, and write into the file even after it is moved aside.
    dropConnection();
    LOG.warn(
        "cannot {} setting '{}' in {}: {}. The database is damaged: every call that needs a saved setting fails until"
            + " it is replaced; move {} and its -wal and -shm files aside and nm-host creates a new one on the next call"
            + " (what the old one held stays in the moved files)",
        action, key, file, e.getMessage(), file);
    return RouteException.backend("cannot " + action + " setting '" + key + "' in the host's settings database: "
            + e.getMessage() + "; the database is damaged: move it aside (the host's log names the file) and the host"
            + " creates a new one on the next call", e)
        .withDetail("setting", key);
  }

  /**
   * Whether SQLite's failure says the file itself is damaged (corrupt, not a database, an I/O error), which no retry on
   * this connection mends; not a busy lock or a full disk, which pass. A file moved while open is caught before the
   * call ({@link #connection()}).
   */
  private static boolean damaged(SQLException e) {
    int code = e instanceof SQLiteException sqlite ? sqlite.getResultCode().code : e.getErrorCode();
    int primary = code & 0xff;
    return primary == SQLiteErrorCode.SQLITE_CORRUPT.code
        || primary == SQLiteErrorCode.SQLITE_NOTADB.code
        || primary == SQLiteErrorCode.SQLITE_IOERR.code;
  }

  /** Closes the connection, so that the next call opens the file anew, and forgets the values kept from it. */
  private void dropConnection() {
    try {
      dataVersion.close();
      connection.close();
    } catch (SQLException e) {
      LOG.debug("closing the settings database's damaged connection", e);
    }
    connection = null;
    dataVersion = null;
    values.clear();
    valuesVersion = -1;
  }
}
