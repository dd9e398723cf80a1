package dev.nm.host.install;

import dev.nm.host.HostPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The Chromium profiles ({@code --user-data-dir}) that installs put manifests in for one host home, one directory a
 * line: uninstall looks in them too before it revokes a caller, as it looks in the user's and the system's folders.
 * Read and written only by installs and uninstalls, which run one at a time ({@link OriginAllowlist#exclusively}).
 */
final class InstalledProfiles {
  private final Path file;

  private InstalledProfiles(Path file) {
    this.file = file;
  }

  static InstalledProfiles of(HostPaths paths) {
    return new InstalledProfiles(paths.dataDir().resolve("installed-profiles.txt"));
  }

  /** The profile directories recorded, in the order they were first installed into. */
  List<Path> list() throws IOException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).map(Path::of).toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  void add(Path userDataDir) throws IOException {
    Path dir = userDataDir.toAbsolutePath().normalize();
    List<Path> profiles = new ArrayList<>(list());
    if (!profiles.contains(dir)) {
      profiles.add(dir);
      write(profiles);
    }
  }

  void remove(Path userDataDir) throws IOException {
    List<Path> profiles = new ArrayList<>(list());
    if (profiles.remove(userDataDir.toAbsolutePath().normalize())) {
      write(profiles);
    }
  }

  private void write(List<Path> profiles) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try {
      Files.write(temp, profiles.stream().map(Path::toString).toList(), StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
