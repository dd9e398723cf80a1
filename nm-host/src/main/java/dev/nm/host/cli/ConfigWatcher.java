package dev.nm.host.cli;

import dev.nm.host.HostConfig;
import dev.nm.host.NativeMessagingServer;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts edits of {@code config.json} in force in a running server, so that {@code nm-host install} or
 * {@code nm-host config allow} takes effect without a restart. Checks the file's identity, size and
 * modification time (a save replaces the file, so its identity changes even within one clock tick) as soon as
 * the file system reports a change in its directory, and once a second besides (where the JDK's watch service
 * itself polls, as on macOS, every 10 s), and, when they change, loads it and hands it to
 * {@link NativeMessagingServer#adoptSavedConfig}, which records it in the audit log. A file that
 * does not load is logged and the config in force is kept; a file removed puts the defaults in force once it has
 * stayed away a second. Pool sizes and the models directory are read once, at start; a change to them is logged as
 * waiting for a restart.
 */
final class ConfigWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
  private static final long PERIOD_MILLIS = 1_000;

  private final Path file;
  private final NativeMessagingServer server;
  /** Null until the first check, which therefore catches an edit made while the server was starting. */
  private FileState seen;
  /** {@link System#nanoTime()} when the file was first found gone after it was seen; null unless gone now. */
  private Long goneSince;

  private ConfigWatcher(Path file, NativeMessagingServer server) {
    this.file = file;
    this.server = server;
  }

  /** Starts watching {@code file} on a daemon thread. */
  static void start(Path file, NativeMessagingServer server) {
    ConfigWatcher watcher = new ConfigWatcher(file, server);
    Thread thread = new Thread(watcher::watch, "nm-config-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void watch() {
    WatchService changes = directoryChanges();
    while (true) {
      try {
        WatchKey key = changes == null ? sleep() : changes.poll(PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      check();
    }
  }

  /** The file system's reports of changes in the config's directory; null where none can be had. */
  private WatchService directoryChanges() {
    try {
      WatchService service = file.getFileSystem().newWatchService();
      file.toAbsolutePath().getParent().register(service, StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
      return service;
    } catch (IOException | UnsupportedOperationException e) {
      LOG.info("watching {} for edits once a second ({})", file, e.toString());
      return null;
    }
  }

  private static WatchKey sleep() throws InterruptedException {
    Thread.sleep(PERIOD_MILLIS);
    return null;
  }

  /** Runs on the watcher's thread only. */
  private void check() {
    try {
      FileState now = FileState.of(file);
      if (!now.equals(FileState.ABSENT)) {
        goneSince = null; // back, if it was gone: even as the very file seen before (moved away and back)
      }
      if (now.equals(seen) || justGone(now)) {
        return;
      }
      seen = now;
      HostConfig next = HostConfig.load(file);
      HostConfig previous = server.config();
      if (!next.equals(previous)) {
        server.adoptSavedConfig(file, next);
        LOG.info("{} changed; the new config is in force", file);
        if (!sameAtStart(previous, next)) {
          LOG.warn("{}: workers, max_in_flight_per_connection and models_dir take effect when the daemon restarts"
              + " (nm-host daemon stop; the next request starts it)", file);
        }
      }
    } catch (IOException | RuntimeException e) { // anything thrown would end the watch
      LOG.warn("cannot reload {}; keeping the config in force: {}", file, e.getMessage());
    }
  }

  /**
   * Whether the file has gone for less than a period: an editor that saves by renaming the file away and writing
   * a new one (vim) leaves no file for a moment, and the defaults (no origin allowed) must not be in force meanwhile.
   * A file that stays gone puts the defaults in force, as one absent at start does.
   */
  private boolean justGone(FileState now) {
    if (!now.equals(FileState.ABSENT) || seen == null || seen.equals(FileState.ABSENT)) {
      return false;
    }
    long time = System.nanoTime();
    if (goneSince == null) {
      goneSince = time;
    }
    return time - goneSince < TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
  }

  /** Whether the settings read only when a host starts are the same in both. */
  private static boolean sameAtStart(HostConfig a, HostConfig b) {
    return a.workers().equals(b.workers())
        && a.maxInFlightPerConnection().equals(b.maxInFlightPerConnection())
        && Objects.equals(a.modelsDir(), b.modelsDir());
  }

  /** What tells one version of the file from another; all empty while the file does not exist. */
  private record FileState(Object fileKey, long size, long modifiedMillis) {
    private static final FileState ABSENT = new FileState(null, -1, -1);

    static FileState of(Path file) throws IOException {
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileState(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime().toMillis());
      } catch (NoSuchFileException e) {
        return ABSENT;
      }
    }
  }
}
