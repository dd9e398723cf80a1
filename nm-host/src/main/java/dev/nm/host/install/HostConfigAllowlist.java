package dev.nm.host.install;

import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import dev.nm.host.middleware.AuditLog;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The allowlist in the host's {@link HostConfig} file. Each change is saved at once (atomically, by
 * {@link HostConfig#save}) and recorded in the host's audit log.
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
      if (granted.equals(new TreeSet<>(existing.scopes()))) {
        return;
      }
    }
    config.withOrigin(origin, granted.stream().toList()).save(paths.configFile());
    audit.append(
        "config_changed",
        Map.of("change", "origin_allowed", "origin", origin, "scopes", granted, "by", "nm-host install"));
  }

  @Override
  public void revoke(String origin) throws IOException {
    HostConfig config = HostConfig.load(paths.configFile());
    if (config.origins().containsKey(origin)) {
      config.withoutOrigin(origin).save(paths.configFile());
      audit.append("config_changed", Map.of("change", "origin_revoked", "origin", origin, "by", "nm-host uninstall"));
    }
  }

  @Override
  public boolean allows(String origin) throws IOException {
    return HostConfig.load(paths.configFile()).origins().containsKey(origin);
  }
}
