package dev.nm.host.install;

import dev.nm.host.HostPaths;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code nm-host doctor}: reports, per browser, whether the host will start and serve, with the command that
 * fixes each problem. Exits 1 when it finds a problem, 0 otherwise.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = "Checks the browser manifests, the daemon and the models, and says how to fix each problem.")
public final class DoctorCommand implements Callable<Integer> {
  @Mixin PlacementOptions placement;

  @Spec CommandSpec spec;

  private final InstallContext context;

  public DoctorCommand() {
    this(InstallContext.current());
  }

  DoctorCommand(InstallContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Finding> findings;
    try {
      findings =
          new Doctor(context.locations(), context.paths(), context.allowlist(), context.launcher())
              .examine(placement.placement(context.locations()), placement.targeted());
    } catch (InstallException e) {
      spec.commandLine().getErr().println("nm-host doctor: " + e.getMessage());
      return 1;
    }
    if (HostPaths.homeSetByEnvironment()) {
      findings = new ArrayList<>(findings);
      findings.add(Finding.note(
          "home",
          HostPaths.HOME_ENV + " is set, so these checks read " + context.paths().home() + "; a host that a browser"
              + " started from your desktop has no " + HostPaths.HOME_ENV + " and reads its default home instead",
          "run " + (context.launcher() == null ? "nm-host" : Doctor.shellWord(context.launcher().toString())) + " doctor without "
              + HostPaths.HOME_ENV + " to check what such a host reads"));
    }
    long problems = findings.stream().filter(f -> f.severity() == Finding.Severity.PROBLEM).count();
    for (Finding finding : findings) {
      String severity = "[" + finding.severity().name().toLowerCase(Locale.ROOT) + "]";
      out.printf("%-9s %-9s %s%n", severity, finding.subject(), finding.message());
      if (finding.fix() != null && finding.severity() != Finding.Severity.OK) {
        out.printf("%-19s fix: %s%n", "", finding.fix());
      }
    }
    out.println(problems == 0 ? "no problems found" : problems + (problems == 1 ? " problem" : " problems") + " found");
    return problems == 0 ? 0 : 1;
  }
}
