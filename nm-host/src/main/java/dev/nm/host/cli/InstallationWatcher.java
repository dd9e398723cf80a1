package dev.nm.host.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Notices that the installation a daemon runs from has changed (nm-host upgraded, reinstalled or rebuilt): every
 * {@link #PERIOD} it compares each class path entry's size and modification time with what they were when the
 * daemon started. A jar replaced or removed counts, and so does a class path directory gaining or losing an
 * entry; a jar added beside unchanged ones does not (an upgrade replaces nm-host's own jars). It reports the
 * first change once, then stops.
 */
final class InstallationWatcher {
  static final Duration PERIOD = Duration.ofSeconds(2);

  private final Map<Path, String> startedWith;
  private final Consumer<Path> onChange;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "nm-installation-watcher");
            thread.setDaemon(true);
            return thread;
          });

  private InstallationWatcher(Map<Path, String> startedWith, Consumer<Path> onChange) {
    this.startedWith = startedWith;
    this.onChange = onChange;
  }

  /**
   * Starts watching this JVM's class path.
   *
   * @param onChange told the first entry found changed, on the watcher's thread
   */
  static void start(Consumer<Path> onChange) {
    Map<Path, String> entries = new LinkedHashMap<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        Path path = Path.of(entry).toAbsolutePath();
        entries.put(path, state(path));
      }
    }
    InstallationWatcher watcher = new InstallationWatcher(entries, Objects.requireNonNull(onChange, "onChange"));
    watcher.timer.scheduleWithFixedDelay(watcher::check, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check() {
    for (Map.Entry<Path, String> entry : startedWith.entrySet()) {
      if (!entry.getValue().equals(state(entry.getKey()))) {
        timer.shutdown();
        onChange.accept(entry.getKey());
        return;
      }
    }
  }

  /** Size and modification time, or "missing". */
  private static String state(Path path) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      return attributes.size() + "@" + attributes.lastModifiedTime().toMillis();
    } catch (IOException e) {
      return "missing";
    }
  }
}
