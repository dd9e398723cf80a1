package dev.nm.host.install;

import dev.nm.host.HostPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nm-host install}: writes the host manifest for each browser and allows the extensions in the host's
 * config. Without {@code --browser}, installs for every Chromium-family browser when extension ids are given
 * and for Firefox when add-on ids are given.
 */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description = "Registers the host with browsers and allows extensions to use it.")
public final class InstallCommand implements Callable<Integer> {
  @Mixin PlacementOptions placement;

  @Option(
      names = "--extension-id",
      paramLabel = "ID",
      description = "a Chromium extension id (32 letters a-p); repeatable")
  List<String> extensionIds = new ArrayList<>();

  @Option(
      names = "--firefox-extension-id",
      paramLabel = "ID",
      description = "a Firefox add-on id (name@example.org or {UUID}); repeatable")
  List<String> firefoxIds = new ArrayList<>();

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      description = "a scope to grant the extensions, e.g. models.manage; repeatable")
  List<String> scopes = new ArrayList<>();

  @Option(
      names = "--host-path",
      paramLabel = "PATH",
      description = "the executable browsers start (default: this launcher)")
  Path hostPath;

  @Spec CommandSpec spec;

  private final InstallContext context;

  public InstallCommand() {
    this(InstallContext.current());
  }

  InstallCommand(InstallContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try {
      if (extensionIds.isEmpty() && firefoxIds.isEmpty()) {
        throw new InstallException(
            "name the extension to allow: --extension-id ID (Chromium) or --firefox-extension-id ID (Firefox)");
      }
      Placement where = withIds(placement.placement(context.locations()));
      List<InstallTarget> written =
          new Installer(context.locations(), context.allowlist(), context.paths())
              .install(where, hostPath(), extensionIds, firefoxIds, new LinkedHashSet<>(scopes));
      for (InstallTarget target : written) {
        List<Browser> sharing = where.alsoReadBy(target.manifestFile(), context.locations());
        out.println("installed " + target.browser().id() + ": " + target.manifestFile()
            + (target.registryKey() == null ? "" : " (registry " + target.registryKey() + ")")
            + (sharing.isEmpty() ? "" : " (" + sharing.stream().map(Browser::displayName).collect(Collectors.joining(" and "))
                + (sharing.size() == 1 ? " reads" : " read") + " it too)"));
      }
      List<String> allowed = allowed(written);
      out.println("allowed in " + context.paths().configFile() + ": " + String.join(", ", allowed));
      if (where.system()) {
        spec.commandLine().getErr().println("nm-host install: the manifests serve every user of this machine, but the"
            + " allowlist is this user's (" + context.paths().configFile() + "); each other user allows the callers"
            + " with nm-host config allow ORIGIN (" + String.join(", ", allowed) + ")");
      }
      if (HostPaths.homeSetByEnvironment()) {
        spec.commandLine().getErr().println("nm-host install: " + HostPaths.HOME_ENV + " is set (" + System.getenv(HostPaths.HOME_ENV) + "), so the"
            + " allowlist went there. A browser started from your desktop gives the host it starts no "
            + HostPaths.HOME_ENV + ": that host reads its default home and refuses these callers. Run install without "
            + HostPaths.HOME_ENV + " for your desktop's browsers, or start the browser with it set.");
      }
      return 0;
    } catch (InstallException e) { // a file-system failure goes to the command line's handler, which names it
      spec.commandLine().getErr().println("nm-host install: " + e.getMessage());
      return 1;
    }
  }

  /** Without named browsers, only the families for which ids were given. */
  private Placement withIds(Placement where) {
    if (placement.browsersNamed()) {
      return where;
    }
    Set<Browser> browsers = EnumSet.noneOf(Browser.class);
    for (Browser browser : where.browsers()) {
      boolean chromium = browser.family() == Browser.Family.CHROMIUM;
      if (chromium ? !extensionIds.isEmpty() : !firefoxIds.isEmpty()) {
        browsers.add(browser);
      }
    }
    return new Placement(browsers, where.hostName(), where.system(), where.userDataDir());
  }

  private Path hostPath() {
    Path path = hostPath != null ? hostPath.toAbsolutePath().normalize() : context.launcher();
    if (path == null) {
      throw new InstallException("cannot tell where nm-host is: pass --host-path /absolute/path/to/bin/nm-host");
    }
    return path;
  }

  /** The callers allowed: the ids of each family a manifest was written for; the others are reported as ignored. */
  private List<String> allowed(List<InstallTarget> written) {
    List<String> allowed = new ArrayList<>();
    if (written.stream().anyMatch(target -> target.browser().family() == Browser.Family.CHROMIUM)) {
      extensionIds.stream().map(Callers::chromeOrigin).forEach(allowed::add);
    } else if (!extensionIds.isEmpty()) {
      ignored("--extension-id " + String.join(", ", extensionIds), "no Chromium-family browser", "--browser chrome");
    }
    if (written.stream().anyMatch(target -> target.browser().family() == Browser.Family.FIREFOX)) {
      firefoxIds.stream().map(Callers::hostOrigin).forEach(allowed::add);
    } else if (!firefoxIds.isEmpty()) {
      ignored("--firefox-extension-id " + String.join(", ", firefoxIds), "no Firefox", "--browser firefox");
    }
    return allowed;
  }

  private void ignored(String option, String browsers, String fix) {
    spec.commandLine().getErr().println(
        "nm-host install: ignored " + option + ": " + browsers + " manifest was installed, so nothing starts the host"
            + " for it; add " + fix + " to install one");
  }
}
