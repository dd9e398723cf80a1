package dev.nm.host.relay;

import dev.nm.host.HostPaths;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** {@link ServerLauncher#detached}: a command started in a session of its own, away from the browser's pipes. */
final class DetachedCommand implements ServerLauncher {
  private static final List<String> SETSID_DIRS = List.of("/usr/bin", "/bin", "/usr/local/bin");

  private final ProcessBuilder command;

  DetachedCommand(ProcessBuilder command) {
    this.command = Objects.requireNonNull(command, "command");
    if (command.command().isEmpty()) {
      throw new IllegalArgumentException("the command that starts the server is empty");
    }
  }

  @Override
  public Process start(HostPaths paths) throws IOException {
    List<String> line = new ArrayList<>();
    String setsid = setsid();
    if (setsid != null) {
      line.add(setsid);
    }
    line.addAll(command.command());
    ProcessBuilder detached = new ProcessBuilder(line).directory(command.directory());
    detached.environment().clear();
    detached.environment().putAll(command.environment());
    File nullDevice = new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
    detached.redirectInput(isFile(command.redirectInput()) ? command.redirectInput() : ProcessBuilder.Redirect.from(nullDevice));
    detached.redirectOutput(isFile(command.redirectOutput()) ? command.redirectOutput() : ProcessBuilder.Redirect.DISCARD);
    detached.redirectErrorStream(command.redirectErrorStream());
    if (!command.redirectErrorStream()) {
      detached.redirectError(isFile(command.redirectError()) ? command.redirectError() : ProcessBuilder.Redirect.DISCARD);
    }
    return detached.start();
  }

  private static boolean isFile(ProcessBuilder.Redirect redirect) {
    return redirect.file() != null;
  }

  /** util-linux {@code setsid}; null where there is none (macOS), and the server stays in the starter's session. */
  private static String setsid() {
    for (String dir : SETSID_DIRS) {
      Path candidate = Path.of(dir, "setsid");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
