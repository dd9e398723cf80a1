package dev.nm.host;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;

/**
 * Where a host keeps its files. Everything hangs off one home directory, so a test or a portable install
 * gets a hermetic host by setting {@code NM_HOST_HOME}.
 *
 * <pre>
 * $NM_HOST_HOME/            default: $XDG_DATA_HOME/nm-host, else ~/.local/share/nm-host
 *   config.json             allowed origins, scopes, limits (see HostConfig)
 *   data/                   nm.db (SQLite), audit.log (append-only JSON lines), installed-profiles.txt (the
 *                           --user-data-dir profiles installed into), installed-host-names.txt (the host names
 *                           installed, whose manifests all start hosts reading config.json)
 *   run/                    daemon.sock, daemon.lock, daemon.pid, handoff-PID/; mode 0700
 *   logs/                   host.log, daemon.log
 *   native/                 the engines' native libraries, unpacked once per version
 *   models/                 default models directory; NM_HOST_MODELS_DIR or config models_dir override it
 * </pre>
 *
 * A home the host creates ({@link #createHome}) is its owner's alone (mode 0700): the audit log, the logs and the
 * settings database in it are written with the default modes.
 */
public record HostPaths(Path home, Path modelsDir) {
  public static final String HOME_ENV = "NM_HOST_HOME";
  public static final String MODELS_DIR_ENV = "NM_HOST_MODELS_DIR";

  public HostPaths {
    home = home.toAbsolutePath().normalize();
    modelsDir = Objects.requireNonNull(modelsDir, "modelsDir").toAbsolutePath().normalize();
  }

  /** Paths for this process: {@code NM_HOST_HOME}, {@code NM_HOST_MODELS_DIR}, else the defaults. */
  public static HostPaths fromEnvironment() {
    return fromEnvironment(System.getenv(), userHome());
  }

  /**
   * The user's home as browsers and shells see it: {@code $HOME} where set, as Chromium, Firefox, the XDG
   * directories and this project's scripts read it, else Java's {@code user.home}, which comes from the password
   * database and ignores {@code $HOME}. Root ignores a {@code $HOME} it does not own: {@code sudo} keeps the
   * invoking user's there (macOS's default), and root's files in that home would be ones its user cannot read.
   */
  public static Path userHome() {
    return userHome(System.getenv("HOME"), System.getProperty("user.name"), Path.of(System.getProperty("user.home")));
  }

  static Path userHome(String homeVariable, String userName, Path passwordDatabaseHome) {
    if (homeVariable == null || homeVariable.isBlank() || !Path.of(homeVariable).isAbsolute()) {
      return passwordDatabaseHome;
    }
    Path home = Path.of(homeVariable);
    if ("root".equals(userName) && !home.equals(passwordDatabaseHome) && !ownedByRoot(home)) {
      return passwordDatabaseHome;
    }
    return home;
  }

  private static boolean ownedByRoot(Path directory) {
    try {
      return "root".equals(Files.getOwner(directory).getName());
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  static HostPaths fromEnvironment(Map<String, String> env, Path userHome) {
    Path home;
    if (notBlank(env.get(HOME_ENV))) {
      home = Path.of(env.get(HOME_ENV));
    } else if (notBlank(env.get("XDG_DATA_HOME"))) {
      home = Path.of(env.get("XDG_DATA_HOME"), "nm-host");
    } else {
      home = userHome.resolve(".local/share/nm-host");
    }
    Path models = notBlank(env.get(MODELS_DIR_ENV)) ? Path.of(env.get(MODELS_DIR_ENV)) : home.resolve("models");
    return new HostPaths(home, models);
  }

  /** The same home with another models directory (from the config file's {@code models_dir}). */
  public HostPaths withModelsDir(Path modelsDir) {
    return new HostPaths(home, modelsDir);
  }

  /**
   * Creates the home directory, if it does not exist yet, with mode 0700 where the file system has modes (its
   * missing parents get the default mode); a home that exists is left as it is.
   *
   * @return the home
   */
  public Path createHome() throws IOException {
    if (Files.isDirectory(home)) {
      return home;
    }
    if (home.getParent() != null) {
      Files.createDirectories(home.getParent());
    }
    try {
      if (home.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectory(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(home);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(home)) {
        throw e;
      }
    }
    return home;
  }

  public Path configFile() {
    return home.resolve("config.json");
  }

  public Path dataDir() {
    return home.resolve("data");
  }

  public Path database() {
    return dataDir().resolve("nm.db");
  }

  public Path auditLog() {
    return dataDir().resolve("audit.log");
  }

  public Path runDir() {
    return home.resolve("run");
  }

  public Path socket() {
    return runDir().resolve("daemon.sock");
  }

  public Path daemonLock() {
    return runDir().resolve("daemon.lock");
  }

  public Path daemonPidFile() {
    return runDir().resolve("daemon.pid");
  }

  /**
   * Where a daemon that retired (its installation changed) records itself while it serves its last ports, for
   * {@code nm-host daemon status|stop} to find it: it no longer holds the lock or the pid file.
   */
  public Path retiredDaemonRecord(long daemonPid) {
    return runDir().resolve("retired-".concat(Long.toString(daemonPid)));
  }

  /** Where relays hand their pipes to the daemon with process id {@code daemonPid} (see PipeHandoffFiles). */
  public Path handoffDir(long daemonPid) {
    return runDir().resolve("handoff-".concat(Long.toString(daemonPid)));
  }

  /**
   * Where the engines' native libraries are unpacked, once per version, and engine processes keep the
   * class-data archive their JVMs map.
   */
  public Path nativeDir() {
    return home.resolve("native");
  }

  public Path logDir() {
    return home.resolve("logs");
  }

  /**
   * Whether {@code NM_HOST_HOME} names this process's home, rather than the default home that a host started
   * by a desktop browser reads.
   */
  public static boolean homeSetByEnvironment() {
    return notBlank(System.getenv(HOME_ENV));
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
