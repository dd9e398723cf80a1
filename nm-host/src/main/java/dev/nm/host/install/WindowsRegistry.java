package dev.nm.host.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Points a browser at a manifest on Windows: the default value of {@code HKCU|HKLM\...\NativeMessagingHosts\<name>}
 * holds the manifest's path. Uses {@code reg.exe}, which every Windows has.
 */
class WindowsRegistry {
  void register(String key, Path manifestFile) throws IOException {
    run(List.of("reg", "add", key, "/ve", "/t", "REG_SZ", "/d", manifestFile.toString(), "/f"), true);
  }

  void unregister(String key) throws IOException {
    run(List.of("reg", "delete", key, "/f"), true);
  }

  /**
   * The key's default value, or empty when the key does not exist. {@code reg query} prints it on a line
   * {@code (Default)    REG_SZ    <value>}, the label translated by the system locale.
   */
  Optional<String> defaultValue(String key) throws IOException {
    String output = run(List.of("reg", "query", key, "/ve"), false);
    if (output == null) {
      return Optional.empty();
    }
    return output.lines()
        .filter(line -> line.contains("REG_SZ"))
        .map(line -> line.substring(line.indexOf("REG_SZ") + "REG_SZ".length()).trim())
        .findFirst();
  }

  /** The command's output; on failure an exception if {@code required}, else null. */
  private static String run(List<String> command, boolean required) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      int status = process.waitFor();
      if (status == 0) {
        return output;
      }
      if (required) {
        throw new InstallException(String.join(" ", command) + " failed (exit " + status + "): " + output);
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InstallException("interrupted while running " + String.join(" ", command), e);
    }
  }
}
