package dev.nm.host.install;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import dev.nm.host.middleware.AuditLog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The allowlist in the host's {@link HostConfig} file. Each change is saved at once, changing only the file's
 * {@code origins} (atomically, by {@link HostConfig#edit}: the user's other keys, their order, a symbolic link and the
 * file's permissions stay), and recorded in the host's audit log, as the server records its own. Changes read,
 * change and save the file holding a lock ({@code config.json.lock}), so that two commands run at once (two
 * {@code install}s, a {@code config allow} beside an {@code uninstall}) both take effect; installs and
 * uninstalls, which also edit the browsers' manifests, run one at a time besides ({@link #exclusively}).
 */
public final class HostConfigAllowlist implements OriginAllowlist {
  /** This JVM's installs and uninstalls, one at a time: a file lock is the process's, not the thread's. */
  private static final Object INSTALLS = new Object();

  private final HostPaths paths;
  private final AuditLog audit;

  public HostConfigAllowlist(HostPaths paths) {
    this.paths = paths;
    this.audit = AuditLog.to(paths.auditLog());
  }

  /** Allows {@code origin} with {@code scopes} added to any it holds; returns the scopes it holds now. */
  @Override
  public List<String> allow(String origin, Set<String> scopes) throws IOException {
    return locked(() -> {
      HostConfig.Change change = change(root -> {
        ObjectNode origins = root.get("origins") instanceof ObjectNode object ? object : root.putObject("origins");
        Set<String> granted = new TreeSet<>(scopes);
        origins.path(origin).path("scopes").forEach(scope -> granted.add(scope.asText()));
        ArrayNode list = origins.putObject(origin).putArray("scopes");
        granted.forEach(list::add);
      });
      return change.after().origins().get(origin).scopes();
    });
  }

  @Override
  public void revoke(String origin) throws IOException {
    locked(() -> change(root -> {
      if (root.get("origins") instanceof ObjectNode origins) {
        origins.remove(origin);
      }
    }));
  }

  /** Runs {@code edit} holding the config's lock: this JVM's threads one at a time, and other processes' too. */
  private <T> T locked(Edit<T> edit) throws IOException {
    return locked(".lock", HostConfigAllowlist.class, edit);
  }

  /**
   * Holds a lock of its own ({@code config.json.install.lock}) around an install or uninstall, which takes the
   * config's lock for each change within: two of them at once each read the manifests the other wrote, where
   * the second used to write back what it had read before the first's caller was added, dropping that caller.
   */
  @Override
  public <T> T exclusively(Edit<T> edit) throws IOException {
    return locked(".install.lock", INSTALLS, edit);
  }

  private <T> T locked(String suffix, Object monitor, Edit<T> edit) throws IOException {
    paths.createHome();
    Path config = paths.configFile().toAbsolutePath();
    Files.createDirectories(config.getParent());
    Path lockFile = config.resolveSibling(config.getFileName() + suffix);
    synchronized (monitor) {
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        return edit.run();
      }
    }
  }

  @Override
  public boolean allows(String origin) throws IOException {
    return HostConfig.load(paths.configFile()).origins().containsKey(origin);
  }

  /** Changes the origins in the file, and nothing else in it ({@link HostConfig#edit}); audits the change. */
  private HostConfig.Change change(Consumer<ObjectNode> edit) throws IOException {
    HostConfig.Change change = HostConfig.edit(paths.configFile(), edit);
    if (change.changed()) {
      audit.configChanged(change.before(), change.after());
    }
    return change;
  }
}
