package dev.nm.host.cli;

import dev.nm.host.HostConfig;
import dev.nm.host.NativeMessagingServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts edits of {@code config.json} in force in a running server, so that {@code nm-host install} or
 * {@code nm-host config allow} takes effect without a restart. Checks the file's identity, size and
 * modification time once a second (a save replaces the file, so its identity changes even within one clock
 * tick) and, when they change, loads it and hands it to {@link NativeMessagingServer#adoptSavedConfig}: the
 * process that saved it has audited the change. A file that does not load is logged and the config in force
 * is kept. Pool sizes and the models directory are read
 * once, at start; a change to them is logged as waiting for a restart.
 */
final class ConfigWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
  private static final long PERIOD_MILLIS = 1_000;

  private final Path file;
  private final NativeMessagingServer server;
  private final ScheduledExecutorService timer;
  /** Null until the first check, which therefore catches an edit made while the server was starting. */
  private FileState seen;

  private ConfigWatcher(Path file, NativeMessagingServer server) {
    this.file = file;
    this.server = server;
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "nm-config-watcher");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts watching {@code file} on a daemon thread. */
  static void start(Path file, NativeMessagingServer server) {
    ConfigWatcher watcher = new ConfigWatcher(file, server);
    watcher.timer.scheduleWithFixedDelay(watcher::check, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Runs on the timer thread only. */
  private void check() {
    try {
      FileState now = FileState.of(file);
      if (now.equals(seen)) {
        return;
      }
      seen = now;
      HostConfig next = HostConfig.load(file);
      HostConfig previous = server.config();
      if (!next.equals(previous)) {
        server.adoptSavedConfig(next);
        LOG.info("{} changed; the new config is in force", file);
        if (!sameAtStart(previous, next)) {
          LOG.warn("{}: workers, max_in_flight_per_connection and models_dir take effect when the daemon restarts"
              + " (nm-host daemon stop; the next request starts it)", file);
        }
      }
    } catch (IOException | RuntimeException e) { // anything thrown would end the schedule
      LOG.warn("cannot reload {}; keeping the config in force: {}", file, e.getMessage());
    }
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
