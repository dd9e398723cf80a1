package dev.nm.host.install;

import dev.nm.host.HostPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A hermetic machine under a temp dir: a home, a host home, machine-wide folders, an executable launcher; runs
 * commands on it.
 */
final class InstallFixture {
  static final String ID = "abcdefghijklmnopabcdefghijklmnop";
  static final String OTHER_ID = "ponmlkjihgfedcbaponmlkjihgfedcba";
  static final String ADDON = "nm@example.org";

  final Path home;
  final Path hostHome;
  final Path launcher;
  /** Where the machine-wide folders are: {@code /etc/...} is {@code systemRoot/etc/...}. */
  final Path systemRoot;
  final InstallContext context;

  InstallFixture(Path root, OperatingSystem os) throws IOException {
    home = Files.createDirectories(root.resolve("home"));
    hostHome = root.resolve("nm-home");
    launcher = Files.createDirectories(root.resolve("dist/bin")).resolve("nm-host");
    Files.writeString(launcher, "#!/bin/sh\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    systemRoot = root.resolve("system");
    ManifestLocations locations =
        new ManifestLocations(os, home, root.resolve("LocalAppData"), root.resolve("ProgramData"), java.util.Map.of(), systemRoot);
    context = new InstallContext(locations, new HostPaths(hostHome, hostHome.resolve("models")), launcher);
  }

  InstallFixture(Path root) throws IOException {
    this(root, OperatingSystem.LINUX);
  }

  Result run(Callable<Integer> command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = new CommandLine(command);
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    int status = line.execute(args);
    return new Result(status, out.toString(), err.toString());
  }

  Result install(String... args) {
    return run(new InstallCommand(context), args);
  }

  Result uninstall(String... args) {
    return run(new UninstallCommand(context), args);
  }

  Result doctor(String... args) {
    return run(new DoctorCommand(context), args);
  }

  String config() throws IOException {
    return Files.readString(context.paths().configFile());
  }

  record Result(int status, String out, String err) {}
}
