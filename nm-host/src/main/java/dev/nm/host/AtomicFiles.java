package dev.nm.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Files replaced whole, so that a crash or a power loss leaves the old content or the new, never a part. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Replaces {@code file} with {@code content}: a temporary file beside it, forced to the disk, renamed over it, and
   * the rename forced to the disk; a temporary file that could not be put in place is removed.
   *
   * @param permissions the file's permissions where the file system has POSIX ones; null to keep those of the file
   *     replaced, or, for a new file, the owner's alone
   */
  public static void replace(Path file, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(content);
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        if (permissions != null) {
          Files.setPosixFilePermissions(temp, permissions);
        } else if (Files.exists(file)) {
          Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file));
        }
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      // a directory cannot be opened here (Windows): the rename stands as the file system keeps it
    }
  }
}
