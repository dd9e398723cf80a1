package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Starts the daemon as a process of its own: in a new session (so that a browser killing the host that
 * started it, or its process group, leaves it alone), with no terminal, stdin from {@code /dev/null} and its
 * output appended to {@code logs/daemon.log}. It runs on the same Java as this process, and on the class
 * path that {@value #CLASS_PATH_PROPERTY} names, else on this process's: the launcher gives a relay only the
 * few jars it needs, and the daemon all of them.
 */
final class DaemonLauncher {
  /** Extra JVM options for the daemon, separated by spaces, e.g. {@code -Xmx4g}. */
  static final String JAVA_OPTS_ENV = "NM_HOST_DAEMON_JAVA_OPTS";
  /** System property: the daemon's class path, where it differs from this process's. */
  static final String CLASS_PATH_PROPERTY = "nm.host.daemon.class.path";

  private DaemonLauncher() {}

  /** Starts {@code nm-host daemon run} detached; returns at once. */
  static Process startDetached(HostPaths paths) throws IOException {
    Files.createDirectories(paths.logDir());
    File log = paths.logDir().resolve("daemon.log").toFile();
    return new ProcessBuilder(command())
        .directory(paths.home().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
        .redirectErrorStream(true)
        .start();
  }

  private static List<String> command() {
    List<String> command = new ArrayList<>();
    setsid().ifPresent(command::add);
    command.add(javaExecutable());
    // The JVM's own messages belong in the log, like everything else the daemon says.
    command.addAll(List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr"));
    String extra = System.getenv(JAVA_OPTS_ENV);
    if (extra != null && !extra.isBlank()) {
      command.addAll(Arrays.asList(extra.trim().split("\\s+")));
    }
    String classPath = System.getProperty(CLASS_PATH_PROPERTY, System.getProperty("java.class.path"));
    command.addAll(List.of("-cp", classPath, NmHostMain.class.getName(), "daemon", "run"));
    return command;
  }

  private static String javaExecutable() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** util-linux {@code setsid}; absent on macOS, where the daemon stays in the starter's session. */
  private static Optional<String> setsid() {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
      Path candidate = Path.of(dir, "setsid");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }
}
