package dev.nm.host.install;

import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import dev.nm.host.middleware.AuditLog;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * The allowlist in the host's {@link HostConfig} file. Each change is saved at once (atomically, by
 * {@link HostConfig#save}) and recorded in the host's audit log, as the server records its own.
 */
public final class HostConfigAllowlist implements OriginAllowlist {
  private final HostPaths paths;
  private final AuditLog audit;

  public HostConfigAllowlist(HostPaths paths) {
    this.paths = paths;
    this.audit = AuditLog.to(paths.auditLog());
  }

  @Override
  public void allow(String origin, Set<String> scopes) throws IOException {
    HostConfig config = HostConfig.load(paths.configFile());
    Set<String> granted = new TreeSet<>(scopes);
    HostConfig.OriginGrant existing = config.origins().get(origin);
    if (existing != null) {
      granted.addAll(existing.scopes());
    }
    change(config, config.withOrigin(origin, granted.stream().toList()));
  }

  @Override
  public void revoke(String origin) throws IOException {
    HostConfig config = HostConfig.load(paths.configFile());
    change(config, config.withoutOrigin(origin));
  }

  @Override
  public boolean allows(String origin) throws IOException {
    return HostConfig.load(paths.configFile()).origins().containsKey(origin);
  }

  private void change(HostConfig previous, HostConfig next) throws IOException {
    if (!next.equals(previous)) {
      next.save(paths.configFile());
      audit.configChanged(previous, next);
    }
  }
}
