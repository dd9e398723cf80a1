package dev.nm.host.install;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The host's own list of callers allowed to use it (the {@code origins} of {@code config.json}), which the
 * installer keeps in step with the browsers' manifests. A manifest lets a browser start the host; this list
 * lets the host serve the caller.
 */
public interface OriginAllowlist {
  /** Allows {@code origin}, adding {@code scopes} to any it already has; returns the scopes it holds now. */
  List<String> allow(String origin, Set<String> scopes) throws IOException;

  /** Removes {@code origin} and its scopes; does nothing if it is not listed. */
  void revoke(String origin) throws IOException;

  /** Whether {@code origin} is listed. */
  boolean allows(String origin) throws IOException;

  /**
   * Runs {@code edit}, an install's or uninstall's reading and writing of manifests and of this list, while no
   * other edit of this list's host runs, in this process or another: each reads what the one before wrote. Runs
   * it at once where nothing else edits the list.
   */
  default <T> T exclusively(Edit<T> edit) throws IOException {
    return edit.run();
  }

  /** Work done holding {@link #exclusively}. */
  interface Edit<T> {
    T run() throws IOException;
  }
}
