package dev.nm.host.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a host path may go into a machine-wide manifest. Every user's browser runs that path as that user, so a
 * launcher that another user can change (a checkout in someone's home, a directory others may write) would run
 * that user's code in everyone's session. Only root may be able to change it: each file and directory on the way,
 * the path as given and where its symbolic links lead, must be owned by root and writable by no group or other
 * user, except a sticky directory such as {@code /tmp}, where no one may rename or remove another's entry.
 */
final class SystemHostPath {
  private static final int GROUP_OR_OTHER_WRITE = 0022;
  private static final int STICKY = 01000;

  private SystemHostPath() {}

  /** Refuses {@code hostPath} for a machine-wide install unless only root can change it. */
  static void requireOnlyRootCanChange(Path hostPath) {
    problem(hostPath).ifPresent(problem -> {
      throw new InstallException(
          "--system makes every user's browser run " + hostPath + ", but " + problem
              + ", so another user could change what every user's browser runs. Install nm-host where only root can"
              + " change it (e.g. under /opt, owned by root and writable by root only) and pass its launcher with"
              + " --host-path, or install for the current user (drop --system)");
    });
  }

  /**
   * What lets someone other than root change what {@code hostPath} runs; empty if nothing does, or where the file
   * system has no Unix owners and modes.
   */
  static Optional<String> problem(Path hostPath) {
    if (!hostPath.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return Optional.empty();
    }
    List<Path> paths = new ArrayList<>(List.of(hostPath.toAbsolutePath().normalize()));
    try {
      paths.add(hostPath.toRealPath());
    } catch (IOException e) {
      return Optional.of(hostPath + " cannot be resolved (" + e.getMessage() + ")");
    }
    for (Path path : paths) {
      for (Path component = path; component != null; component = component.getParent()) {
        Optional<String> problem = problemOf(component, component != path);
        if (problem.isPresent()) {
          return problem;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> problemOf(Path component, boolean isAncestor) {
    try {
      if (Files.isSymbolicLink(component)) {
        return Optional.empty(); // a link cannot be changed, only replaced through its directory, checked next
      }
      int uid = (Integer) Files.getAttribute(component, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) Files.getAttribute(component, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      if (uid != 0) {
        return Optional.of(component + " is owned by uid " + uid + ", not root");
      }
      if ((mode & GROUP_OR_OTHER_WRITE) != 0 && !(isAncestor && (mode & STICKY) != 0)) {
        return Optional.of(component + " is writable by its group or by other users (mode "
            + Integer.toOctalString(mode & 07777) + ")");
      }
      return Optional.empty();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return Optional.of("the owner and mode of " + component + " cannot be read (" + e + ")");
    }
  }
}
