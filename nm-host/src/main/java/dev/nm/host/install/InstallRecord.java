package dev.nm.host.install;

import dev.nm.host.AtomicFiles;
import dev.nm.host.HostPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What installs for one host home wrote besides the user's and the system's folders, one entry a line, so that
 * uninstall looks there too before it revokes a caller: the Chromium profiles ({@code --user-data-dir}) written into
 * ({@code data/installed-profiles.txt}), and the host names installed ({@code data/installed-host-names.txt}), whose
 * manifests all start hosts that read the home's one {@code config.json}. Read and written only by installs and
 * uninstalls, which run one at a time ({@link OriginAllowlist#exclusively}).
 */
final class InstallRecord {
  private final Path file;

  private InstallRecord(Path file) {
    this.file = file;
  }

  /** The profile directories installed into, absolute and normalised. */
  static InstallRecord profiles(HostPaths paths) {
    return new InstallRecord(paths.dataDir().resolve("installed-profiles.txt"));
  }

  /** The host names installed under. */
  static InstallRecord hostNames(HostPaths paths) {
    return new InstallRecord(paths.dataDir().resolve("installed-host-names.txt"));
  }

  /** The entries recorded, in the order they were first added. */
  List<String> list() throws IOException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  void add(String entry) throws IOException {
    List<String> entries = new ArrayList<>(list());
    if (!entries.contains(entry)) {
      entries.add(entry);
      write(entries);
    }
  }

  void remove(String entry) throws IOException {
    List<String> entries = new ArrayList<>(list());
    if (entries.remove(entry)) {
      write(entries);
    }
  }

  /** A profile directory as it is recorded. */
  static String profile(Path userDataDir) {
    return userDataDir.toAbsolutePath().normalize().toString();
  }

  private void write(List<String> entries) throws IOException {
    StringBuilder lines = new StringBuilder();
    entries.forEach(entry -> lines.append(entry).append(System.lineSeparator()));
    AtomicFiles.replace(file, lines.toString().getBytes(StandardCharsets.UTF_8), null);
  }
}
