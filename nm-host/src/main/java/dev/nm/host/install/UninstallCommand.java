package dev.nm.host.install;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nm-host uninstall}: the reverse of {@code install}. With extension ids, removes just those from the
 * manifests; without, removes the manifests. Callers no manifest lists any more leave the host's allowlist. A
 * manifest that browsers outside {@code --browser} read too (Brave reads Google Chrome's on macOS) changes for them
 * too, and the output says so.
 */
@Command(
    name = "uninstall",
    mixinStandardHelpOptions = true,
    description = {
        "Removes the host's browser manifests and the extensions they allowed.",
        "A manifest two browsers read (Brave reads Google Chrome's on macOS, Chrome's machine-wide folder on Linux and"
            + " Chrome's registry key on Windows, as Vivaldi does there) changes for both; the output names the other."})
public final class UninstallCommand implements Callable<Integer> {
  @Mixin PlacementOptions placement;

  @Option(
      names = "--extension-id",
      paramLabel = "ID",
      description = "remove only this Chromium extension; repeatable")
  List<String> extensionIds = new ArrayList<>();

  @Option(
      names = "--firefox-extension-id",
      paramLabel = "ID",
      description = "remove only this Firefox add-on; repeatable")
  List<String> firefoxIds = new ArrayList<>();

  @Spec CommandSpec spec;

  private final InstallContext context;

  public UninstallCommand() {
    this(InstallContext.current());
  }

  UninstallCommand(InstallContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try {
      Placement where = placement.placement(context.locations());
      List<Path> changed =
          new Installer(context.locations(), context.allowlist(), context.paths()).uninstall(where, extensionIds, firefoxIds);
      if (changed.isEmpty()) {
        out.println("nothing to uninstall: no manifest for host '" + placement.hostName + "' found");
      }
      for (Path file : changed) {
        // A manifest another browser reads too (Brave reads Google Chrome's on macOS): the change is that browser's too.
        List<Browser> sharing = where.alsoReadBy(file, context.locations());
        out.println((Files.exists(file) ? "updated " : "removed ") + file
            + (sharing.isEmpty() ? "" : " (" + sharing.stream().map(Browser::displayName).collect(Collectors.joining(" and "))
                + (sharing.size() == 1 ? " reads" : " read") + " it too, and " + (sharing.size() == 1 ? "finds" : "find")
                + " the same)"));
      }
      return 0;
    } catch (InstallException e) { // a file-system failure goes to the command line's handler, which names it
      spec.commandLine().getErr().println("nm-host uninstall: " + e.getMessage());
      return 1;
    }
  }
}
