package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import dev.nm.host.install.Defaults;
import dev.nm.host.relay.ServerLauncher;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Starts the daemon as a process of its own: in a new session (so that a browser killing the host that
 * started it, or its process group, leaves it alone), with no terminal, stdin from {@code /dev/null} and its
 * output appended to {@code logs/daemon.log}. It runs on the same Java as this process. A log grown past
 * {@value #LOG_LIMIT_BYTES} bytes is kept as {@code daemon.log.1}, replacing the one kept before, so that the
 * two stay bounded however long the daemon serves (llama.cpp adds about 0.8 KB a chat).
 *
 * <p>A process started by the launcher script ({@link Defaults#launcher()}) starts the daemon with it too, as
 * {@code nm-host daemon run}: the launcher gives the daemon every jar, its JVM options and a class-data
 * archive of its own, recorded over the first daemon's run. Otherwise the daemon runs on the class path that
 * {@value #CLASS_PATH_PROPERTY} names, else on this process's.
 */
final class DaemonLauncher {
  /** Extra JVM options for the daemon, separated by spaces, e.g. {@code -Xmx4g}. */
  static final String JAVA_OPTS_ENV = "NM_HOST_DAEMON_JAVA_OPTS";
  /** System property: the daemon's class path, where it differs from this process's. */
  static final String CLASS_PATH_PROPERTY = "nm.host.daemon.class.path";

  /** The size past which a new daemon begins a new log. */
  static final long LOG_LIMIT_BYTES = 8L << 20;

  private DaemonLauncher() {}

  /** Starts {@code nm-host daemon run} detached; returns at once. */
  static Process startDetached(HostPaths paths) throws IOException {
    paths.createHome();
    Files.createDirectories(paths.logDir());
    Path logFile = paths.logDir().resolve("daemon.log");
    File log = logFile.toFile();
    Path launcher = Defaults.launcher();
    ProcessBuilder builder = launcher != null && Files.isExecutable(launcher) ? throughLauncher(launcher) : direct();
    // The daemon runs in the home: a relative NM_HOST_HOME, XDG_DATA_HOME or NM_HOST_MODELS_DIR would name other
    // folders there. It gets this home by name.
    Map<String, String> environment = builder.environment();
    environment.put(HostPaths.HOME_ENV, paths.home().toString());
    environment.computeIfPresent(
        HostPaths.MODELS_DIR_ENV, (name, value) -> value.isBlank() ? value : Path.of(value).toAbsolutePath().toString());
    builder
        .directory(paths.home().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File(File.separatorChar == '\\' ? "NUL" : "/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
        .redirectErrorStream(true);
    return withLogKept(logFile, LOG_LIMIT_BYTES, () -> ServerLauncher.detached(builder).start(paths));
  }

  interface LogOpening<T> {
    T open() throws IOException;
  }

  /**
   * Keeps {@code log} as {@code log.1} if it is over {@code limit} ({@link #keepIfOver}), then runs {@code open},
   * which opens it anew, both holding a lock ({@code log.lock}) that other launchers take too. Without it a
   * launcher could measure the old log, another rename it and begin a new one, and the first then rename that
   * new one over {@code log.1}, the old log lost.
   */
  static <T> T withLogKept(Path log, long limit, LogOpening<T> open) throws IOException {
    Path lockFile = log.resolveSibling(log.getFileName() + ".lock");
    synchronized (DaemonLauncher.class) {
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        keepIfOver(log, limit);
        return open.open();
      }
    }
  }

  /**
   * Renames {@code log} to {@code log.1}, replacing that file, if it is larger than {@code limit}. A daemon still
   * writing to it (one retiring after an upgrade) writes on into the renamed file; two launchers at once rename
   * it once.
   */
  static void keepIfOver(Path log, long limit) {
    try {
      if (Files.size(log) > limit) {
        Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (NoSuchFileException e) {
      // a first daemon, or another launcher has just renamed it
    } catch (IOException e) {
      // the daemon appends to it as before
    }
  }

  /** {@code nm-host daemon run} through the launcher, on this process's Java. */
  private static ProcessBuilder throughLauncher(Path launcher) {
    ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "daemon", "run");
    Map<String, String> environment = builder.environment();
    environment.put("NM_HOST_JAVA", javaExecutable());
    String extra = System.getenv(JAVA_OPTS_ENV);
    if (extra == null || extra.isBlank()) {
      environment.remove("NM_HOST_JAVA_OPTS");
    } else {
      environment.put("NM_HOST_JAVA_OPTS", extra);
    }
    return builder;
  }

  private static ProcessBuilder direct() {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    // The JVM's own messages belong in the log, like everything else the daemon says.
    command.addAll(List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr"));
    String extra = System.getenv(JAVA_OPTS_ENV);
    if (extra != null && !extra.isBlank()) {
      command.addAll(Arrays.asList(extra.trim().split("\\s+")));
    }
    String classPath = System.getProperty(CLASS_PATH_PROPERTY, System.getProperty("java.class.path"));
    command.addAll(List.of("-cp", classPath, NmHostMain.class.getName(), "daemon", "run"));
    return new ProcessBuilder(command);
  }

  private static String javaExecutable() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
