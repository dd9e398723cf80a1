package dev.nm.host.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Points a browser at a manifest on Windows: the default value of {@code HKCU|HKLM\...\NativeMessagingHosts\<name>}
 * holds the manifest's path. Uses {@code reg.exe}, which every Windows has.
 */
class WindowsRegistry {
  void register(String key, Path manifestFile) throws IOException {
    run(List.of("reg", "add", key, "/ve", "/t", "REG_SZ", "/d", manifestFile.toString(), "/f"));
  }

  void unregister(String key) throws IOException {
    run(List.of("reg", "delete", key, "/f"));
  }

  private static void run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      int status = process.waitFor();
      if (status != 0) {
        throw new InstallException(String.join(" ", command) + " failed (exit " + status + "): " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InstallException("interrupted while running " + String.join(" ", command), e);
    }
  }
}
