package dev.nm.host.install;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.AtomicFiles;
import dev.nm.host.HostPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Installs and removes host manifests, and keeps the host's allowlist in step: every caller a manifest lets
 * start the host is allowed by the host (under its {@link Callers#hostOrigin host origin}), and a caller no
 * manifest lists any more is revoked.
 *
 * <p>Installing again adds callers to an existing manifest; uninstalling with callers named removes just
 * those, and removes the file once none is left. Each install or uninstall runs {@link
 * OriginAllowlist#exclusively exclusively}: it reads the manifests another one wrote.
 */
public final class Installer {
  private final ManifestLocations locations;
  private final OriginAllowlist allowlist;
  private final InstallRecord profiles;
  private final InstallRecord hostNames;
  private final WindowsRegistry registry;
  /** Whether this user may create and replace files in an existing directory. */
  private final Predicate<Path> writable;

  /**
   * @param paths the host home whose allowlist {@code allowlist} is, where the profiles installed into and the host
   *     names installed are recorded
   */
  public Installer(ManifestLocations locations, OriginAllowlist allowlist, HostPaths paths) {
    this(locations, allowlist, paths, new WindowsRegistry());
  }

  Installer(ManifestLocations locations, OriginAllowlist allowlist, HostPaths paths, WindowsRegistry registry) {
    this(locations, allowlist, paths, registry, Files::isWritable);
  }

  /** @param writable whether this user may write in an existing directory: {@link Files#isWritable}, but in tests */
  Installer(
      ManifestLocations locations,
      OriginAllowlist allowlist,
      HostPaths paths,
      WindowsRegistry registry,
      Predicate<Path> writable) {
    this.writable = writable;
    this.locations = locations;
    this.allowlist = allowlist;
    this.profiles = InstallRecord.profiles(paths);
    this.hostNames = InstallRecord.hostNames(paths);
    this.registry = registry;
  }

  /**
   * Writes one manifest per browser of {@code where}, starting {@code hostPath}, and allows the callers.
   *
   * @param extensionIds Chromium extension ids, for Chromium-family browsers
   * @param firefoxIds Firefox add-on ids, for Firefox
   * @param scopes scopes granted to every caller in the host's config
   * @return the manifests written
   */
  public List<InstallTarget> install(
      Placement where, Path hostPath, List<String> extensionIds, List<String> firefoxIds, Set<String> scopes)
      throws IOException {
    return allowlist.exclusively(() -> installHolding(where, hostPath, extensionIds, firefoxIds, scopes));
  }

  private List<InstallTarget> installHolding(
      Placement where, Path hostPath, List<String> extensionIds, List<String> firefoxIds, Set<String> scopes)
      throws IOException {
    if (!hostPath.isAbsolute()) {
      throw new InstallException("--host-path must be absolute, got '" + hostPath + "'");
    }
    if (where.system()) {
      SystemHostPath.requireOnlyRootCanChange(hostPath);
    }
    List<String> origins = extensionIds.stream().map(Callers::chromeOrigin).toList();
    List<String> addons = firefoxIds.stream().map(Callers::firefoxId).toList();
    List<InstallTarget> targets = where.targets(locations);
    // Every manifest is made, and every refusal found, before anything is written.
    Map<InstallTarget, HostManifest> manifests = new LinkedHashMap<>();
    Set<String> allowed = new LinkedHashSet<>();
    for (InstallTarget target : targets) {
      Browser.Family family = target.browser().family();
      List<String> callers = family == Browser.Family.CHROMIUM ? origins : addons;
      if (callers.isEmpty()) {
        throw new InstallException(
            target.browser().displayName() + " needs the extension allowed to start the host: add "
                + (family == Browser.Family.CHROMIUM ? "--extension-id ID" : "--firefox-extension-id ID"));
      }
      manifests.put(target, new HostManifest(family, where.hostName(), hostPath, callersToKeep(target)).withCallers(callers));
      allowed.addAll(callers);
      requireWritable(where, target.manifestFile());
    }
    // The callers first: one allowed before its manifest is written is harmless, a manifest whose callers are not
    // allowed has the browser start a host that refuses them.
    for (String caller : allowed) {
      allowlist.allow(Callers.hostOrigin(caller), scopes);
    }
    hostNames.add(where.hostName());
    if (where.userDataDir() != null) {
      profiles.add(InstallRecord.profile(where.userDataDir()));
    }
    Set<Path> written = new LinkedHashSet<>();
    for (Map.Entry<InstallTarget, HostManifest> manifest : manifests.entrySet()) {
      InstallTarget target = manifest.getKey();
      if (!written.add(target.manifestFile())) {
        continue; // two browsers of the placement read this one manifest (Chrome and Brave on macOS), made alike
      }
      write(target.manifestFile(), manifest.getValue().toText());
      if (target.registryKey() != null) {
        registry.register(target.registryKey(), target.manifestFile());
      }
    }
    return targets;
  }

  /**
   * Removes callers from the manifests of {@code where}, or whole manifests when no caller is named, and
   * revokes each removed caller that no other manifest this user's browsers read still lists.
   *
   * @return the manifest files changed or deleted
   */
  public List<Path> uninstall(Placement where, List<String> extensionIds, List<String> firefoxIds)
      throws IOException {
    return allowlist.exclusively(() -> uninstallHolding(where, extensionIds, firefoxIds));
  }

  private List<Path> uninstallHolding(Placement where, List<String> extensionIds, List<String> firefoxIds)
      throws IOException {
    List<String> named = new ArrayList<>();
    extensionIds.stream().map(Callers::chromeOrigin).forEach(named::add);
    firefoxIds.stream().map(Callers::firefoxId).forEach(named::add);
    List<Path> changed = new ArrayList<>();
    Set<String> removed = new LinkedHashSet<>();
    List<InstallTarget> targets = where.targets(locations);
    for (InstallTarget target : targets) {
      if (Files.exists(target.manifestFile())) {
        requireWritable(where, target.manifestFile());
      }
    }
    for (InstallTarget target : targets) {
      if (!Files.exists(target.manifestFile())) {
        continue;
      }
      List<String> callers = named.isEmpty() ? existingCallers(target) : callersToKeep(target);
      List<String> remaining =
          named.isEmpty() ? List.of() : callers.stream().filter(c -> !named.contains(c)).toList();
      callers.stream().filter(c -> !remaining.contains(c)).forEach(removed::add);
      if (remaining.isEmpty()) {
        Files.delete(target.manifestFile());
        if (target.registryKey() != null) {
          registry.unregister(target.registryKey());
        }
      } else {
        JsonNode json = HostManifest.parse(Files.readString(target.manifestFile()));
        Path hostPath = Path.of(json.path("path").asText());
        HostManifest rest = new HostManifest(target.browser().family(), where.hostName(), hostPath, remaining);
        write(target.manifestFile(), rest.toText());
      }
      changed.add(target.manifestFile());
    }
    removed.addAll(named);
    if (where.userDataDir() != null && !anyManifestIn(where.userDataDir(), where.hostName())) {
      profiles.remove(InstallRecord.profile(where.userDataDir()));
    }
    for (String caller : removed) {
      if (!listedByAnyManifest(caller, where)) {
        allowlist.revoke(Callers.hostOrigin(caller));
      }
    }
    return changed;
  }

  /**
   * Refuses a manifest this user cannot write, before anything is changed: the folder it goes in, or the nearest one
   * of its parents that exists, must be a directory this user may write. Otherwise the allowlist and the first
   * manifests were written before the failing one, and --system without root failed naming a temporary file.
   */
  private void requireWritable(Placement where, Path file) {
    Path existing = file.toAbsolutePath().getParent();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    if (!Files.isDirectory(existing)) {
      throw new InstallException(
          "cannot write " + file + ": " + existing + " is a file, not a directory; move it aside and run this again");
    }
    if (!writable.test(existing)) {
      String how = locations.os() == OperatingSystem.WINDOWS ? "run it as an administrator" : "run it with sudo";
      throw new InstallException(where.system()
          ? "--system writes " + file + ", and this user may not write in " + existing + ": " + how
          : "cannot write " + file + ": this user may not write in " + existing + "; give it back to this user (ls -ld "
              + Doctor.shellWord(existing.toString()) + " shows its owner and mode)");
    }
  }

  /**
   * The callers of the manifest already at {@code target}, which a change keeps: refuses a manifest it cannot
   * read, whose callers a rewrite would otherwise drop.
   */
  private static List<String> callersToKeep(InstallTarget target) throws IOException {
    return callers(target, true);
  }

  /** The well-formed callers of the manifest already at {@code target}; empty if none or unreadable. */
  private static List<String> existingCallers(InstallTarget target) throws IOException {
    return callers(target, false);
  }

  private static List<String> callers(InstallTarget target, boolean refuseUnreadable) throws IOException {
    Path file = target.manifestFile();
    if (!Files.exists(file)) {
      return List.of();
    }
    JsonNode json = HostManifest.parse(Files.readString(file));
    if (json == null || !json.isObject()) {
      if (refuseUnreadable) {
        throw new InstallException(
            file + " is not a manifest nm-host can read (not a JSON object), so changing it would lose the callers it"
                + " lists: fix it, or remove it and install again");
      }
      return List.of();
    }
    Browser.Family family = target.browser().family();
    return HostManifest.callersOf(json, family).stream()
        .filter(family == Browser.Family.CHROMIUM ? Callers::isChromeOrigin : Callers::isFirefoxId)
        .toList();
  }

  /**
   * Whether a manifest of any host name installed for this home (they all start hosts that read its one config)
   * still lists {@code caller} at the level {@code where} names, or in a Chromium profile installed into for this
   * host home; and, for the default host home, also where this user's browsers read one: the user's own folders and
   * the system's. The hosts those manifests start read the default home's config, so a caller removed from one place
   * keeps its grant while another lists it. A home set with {@code NM_HOST_HOME} (a portable or hermetic install)
   * belongs to the levels it was installed for only.
   */
  private boolean listedByAnyManifest(String caller, Placement where) throws IOException {
    for (InstallTarget target : everyTarget(where)) {
      if (existingCallers(target).contains(caller)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a manifest of {@code hostName} or of another host name installed for this home is still in the profile
   * {@code userDataDir}.
   */
  private boolean anyManifestIn(Path userDataDir, String hostName) throws IOException {
    for (String name : installedHostNames(hostName)) {
      for (Browser browser : Browser.values()) {
        try {
          if (Files.exists(locations.target(browser, name, userDataDir).manifestFile())) {
            return true;
          }
        } catch (InstallException notApplicable) {
          // this browser takes no profile directory
        }
      }
    }
    return false;
  }

  /** Every place, per browser, that {@link #listedByAnyManifest} looks in. */
  private List<InstallTarget> everyTarget(Placement where) throws IOException {
    List<Placement> levels = new ArrayList<>();
    for (String hostName : installedHostNames(where.hostName())) {
      levels.add(new Placement(Set.of(), hostName, where.system(), where.userDataDir()));
      for (String profile : profiles.list()) {
        levels.add(new Placement(Set.of(), hostName, false, Path.of(profile)));
      }
      if (!HostPaths.homeSetByEnvironment()) {
        levels.add(new Placement(Set.of(), hostName, false, null));
        levels.add(new Placement(Set.of(), hostName, true, null));
      }
    }
    List<InstallTarget> targets = new ArrayList<>();
    for (Placement level : levels) {
      for (Browser browser : Browser.values()) {
        try {
          targets.add(new Placement(Set.of(browser), level.hostName(), level.system(), level.userDataDir())
              .targets(locations).get(0));
        } catch (InstallException notApplicable) {
          // this browser reads no manifest at this level
        }
      }
    }
    return targets;
  }

  /** {@code hostName} and every host name installed for this home, in that order. */
  private List<String> installedHostNames(String hostName) throws IOException {
    Set<String> names = new LinkedHashSet<>(List.of(hostName));
    names.addAll(hostNames.list());
    return List.copyOf(names);
  }

  /**
   * Replaces {@code file} with {@code text} atomically. The text is forced to the disk before the rename (else a
   * power loss soon after can leave an empty manifest, which the browser cannot read and a later install takes
   * for one listing no caller), and a temporary file that could not be put in place is removed, not left in
   * the browser's manifest directory.
   */
  private static void write(Path file, String text) throws IOException {
    AtomicFiles.replace(file, text.getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-r--r--"));
  }
}
