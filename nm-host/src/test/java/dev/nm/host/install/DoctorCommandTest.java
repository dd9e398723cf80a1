package dev.nm.host.install;

import static dev.nm.host.install.InstallFixture.ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
  @TempDir Path root;
  private InstallFixture machine;
  private Path profile;
  private Path manifest;

  @BeforeEach
  void installHealthyHost() throws IOException {
    machine = new InstallFixture(root);
    profile = root.resolve("profile");
    manifest = profile.resolve("NativeMessagingHosts/nm_host.json");
    assertEquals(0, machine.install("--user-data-dir", profile.toString(), "--extension-id", ID).status());
    Path models = Files.createDirectories(machine.context.paths().modelsDir());
    Files.writeString(models.resolve("SmolLM2-135M-Instruct.Q4_1.gguf"), "GGUF");
    Path embedding = Files.createDirectories(models.resolve("all-minilm-l6-v2"));
    Files.writeString(embedding.resolve("model.onnx"), "onnx");
    Files.writeString(embedding.resolve("tokenizer.json"), "{}");
  }

  @Test
  void aHealthyInstallHasNoProblems() {
    var result = doctor();

    assertEquals(0, result.status(), result.out());
    assertEquals(
        "[ok]      chromium  " + manifest + " starts " + machine.launcher + " for chrome-extension://" + ID + "/\n"
            + "[note]    daemon    not running (no " + machine.context.paths().socket() + "); the first browser connection starts it\n"
            + "                    fix: " + machine.launcher + " daemon start\n"
            + "[ok]      models    chat model SmolLM2-135M-Instruct.Q4_1.gguf\n"
            + "[ok]      models    embedding model all-minilm-l6-v2\n"
            + "no problems found\n",
        result.out());
  }

  @Test
  void missingManifest() throws IOException {
    Files.delete(manifest);

    assertProblem(
        "no manifest at " + manifest,
        machine.launcher + " install --browser chromium --user-data-dir " + profile + " --extension-id <EXTENSION_ID>");
  }

  @Test
  void invalidJson() throws IOException {
    Files.writeString(manifest, "{\"name\": \"nm_host\",");

    assertProblem(
        manifest + " is not a JSON object, so the browser ignores it (\"Specified native messaging host not found.\")",
        machine.launcher + " install --browser chromium --user-data-dir " + profile + " --extension-id <EXTENSION_ID>");
  }

  @Test
  void relativePath() throws IOException {
    rewrite("\"path\" : \"" + machine.launcher + "\"", "\"path\" : \"bin/nm-host\"");

    assertProblem(
        "\"path\" 'bin/nm-host' is relative; browsers require an absolute path",
        machine.launcher + " install --browser chromium --user-data-dir " + profile + " --extension-id " + ID);
  }

  @Test
  void wildcardOrigin() throws IOException {
    rewrite("\"chrome-extension://" + ID + "/\"", "\"chrome-extension://" + ID + "/\", \"chrome-extension://*/\"");

    assertProblem(
        "\"allowed_origins\" holds the wildcard 'chrome-extension://*/'; browsers reject the whole manifest",
        machine.launcher + " install --browser chromium --user-data-dir " + profile + " --extension-id " + ID + " --host-path " + machine.launcher);
  }

  @Test
  void nonExecutableHost() throws IOException {
    Files.setPosixFilePermissions(machine.launcher, PosixFilePermissions.fromString("rw-r--r--"));

    assertProblem("\"path\" " + machine.launcher + " is not executable", "chmod +x " + machine.launcher);
  }

  @Test
  void missingHostExecutable() throws IOException {
    Files.delete(machine.launcher);

    assertProblem(
        "\"path\" " + machine.launcher + " does not exist",
        machine.launcher + " install --browser chromium --user-data-dir " + profile + " --extension-id " + ID);
  }

  /** A fix is pasted into a shell: a path with a space or a quote must stay one word. */
  @Test
  void fixesQuotePathsThatAShellWouldSplit() {
    assertEquals("/opt/nm/bin/nm-host", Doctor.shellWord("/opt/nm/bin/nm-host"));
    assertEquals("'/home/ada/my apps/nm-host'", Doctor.shellWord("/home/ada/my apps/nm-host"));
    assertEquals("'/tmp/ada'\\''s/profile'", Doctor.shellWord("/tmp/ada's/profile"));
  }

  /** As bin/nm-host does in a checkout whose distribution was cleaned away. */
  @Test
  void hostExecutableThatDoesNotStart() throws IOException {
    Files.writeString(machine.launcher, "#!/bin/sh\necho 'nm-host: no distribution built in /x' >&2\nexit 1\n");

    assertProblem(
        "\"path\" " + machine.launcher + " does not start: exit status 1, \"nm-host: no distribution built in /x\"",
        "build it (mvn -B -q -DskipTests package in its checkout), or " + machine.launcher + " install --browser chromium"
            + " --user-data-dir " + profile + " --extension-id " + ID);
  }

  /**
   * A host that never answers: doctor read its output to the end before waiting, so the timeout never fired and it
   * hung as long as the host ran. Now it stops the host at the timeout and says so.
   */
  @Test
  void aHostThatNeverAnswersIsStoppedAtTheTimeout() throws IOException {
    Files.writeString(machine.launcher, "#!/bin/sh\necho starting\nsleep 60\n");
    Doctor doctor = new Doctor(machine.context.locations(), machine.context.paths(), machine.context.allowlist(), machine.launcher)
        .startTimeout(java.time.Duration.ofSeconds(2));

    long start = System.nanoTime();
    List<Finding> problems = doctor.examine(new Placement(Set.of(Browser.CHROMIUM), "nm_host", false, profile), true).stream()
        .filter(f -> f.severity() == Finding.Severity.PROBLEM)
        .toList();
    long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

    assertTrue(seconds < 20, "doctor took " + seconds + " s");
    assertEquals(1, problems.size(), problems.toString());
    assertEquals("\"path\" " + machine.launcher + " does not start: it did not answer --version within 2 s", problems.get(0).message());
  }

  /** A browser on Windows passes the desktop's variables: without SystemRoot no Windows program starts. */
  @Test
  void theProbeKeepsWhatWindowsProgramsNeed() {
    Map<String, String> windows = new HashMap<>(Map.of(
        "SystemRoot", "C:\\Windows", "ComSpec", "C:\\Windows\\system32\\cmd.exe", "Path", "C:\\Windows\\system32",
        "PATHEXT", ".COM;.EXE;.BAT;.CMD", "JAVA_HOME", "C:\\Java\\jdk-17", "NM_HOST_HOME", "C:\\elsewhere"));
    Map<String, String> linux = new HashMap<>(Map.of("HOME", "/home/ada", "PATH", "/home/ada/bin:/usr/bin", "JAVA_HOME", "/opt/jdk"));

    Doctor.desktopEnvironment(windows, OperatingSystem.WINDOWS);
    Doctor.desktopEnvironment(linux, OperatingSystem.LINUX);

    assertEquals(Set.of("SystemRoot", "ComSpec", "Path", "PATHEXT", "JAVA_HOME"), windows.keySet());
    assertEquals("C:\\Windows\\system32", windows.get("Path"));
    assertEquals(Map.of("HOME", "/home/ada", "PATH", "/usr/local/bin:/usr/bin:/bin"), linux);
  }

  @Test
  void nameDoesNotMatchTheFile() throws IOException {
    rewrite("\"name\" : \"nm_host\"", "\"name\" : \"other_host\"");

    assertProblem(
        "\"name\" is 'other_host' but the file is nm_host.json; browsers require them to match",
        machine.launcher + " install --browser chromium --user-data-dir " + profile + " --extension-id " + ID + " --host-path " + machine.launcher);
  }

  @Test
  void originAllowedByTheManifestButNotByTheHost() throws IOException {
    new HostConfigAllowlist(machine.context.paths()).revoke("chrome-extension://" + ID + "/");

    assertProblem(
        "chrome-extension://" + ID + "/ may start the host but the host's config (" + machine.context.paths().configFile()
            + ") does not allow it, so every request gets FORBIDDEN",
        machine.launcher + " install --browser chromium --user-data-dir " + profile + " --extension-id " + ID + " --host-path " + machine.launcher);
  }

  /**
   * A config holding null crashed doctor (a NullPointerException reading models_dir), and a config that fails to load
   * was reported once per manifest: now once, with the fix naming what to change, and no manifest's callers are
   * judged against it.
   */
  @Test
  void aBadConfigIsOneProblemWithItsFix() throws IOException {
    assertEquals(0, machine.install("--browser", "chrome", "--extension-id", ID).status());
    Path config = machine.context.paths().configFile();
    Files.writeString(config, "null");

    var result = machine.doctor();

    assertEquals(1, result.status(), result.out());
    assertTrue(result.out().startsWith(
        "[problem] config    " + config + " holds null: it must be a JSON object, e.g. {}\n"
            + "                    fix: write {} into " + config + " (no origin allowed, every other setting its default)\n"),
        result.out());
    assertTrue(result.out().endsWith("1 problem found\n"), result.out());

    Files.writeString(config, "{\"origins\": {}, \"worker\": 2}");
    List<Finding> problems = problems();

    assertEquals(1, problems.size(), problems.toString());
    assertEquals("config", problems.get(0).subject());
    assertEquals("edit " + config + ": remove or rename the key 'worker' at the top level", problems.get(0).fix());
  }

  @Test
  void missingModels() throws IOException {
    Files.delete(machine.context.paths().modelsDir().resolve("SmolLM2-135M-Instruct.Q4_1.gguf"));
    Files.delete(machine.context.paths().modelsDir().resolve("all-minilm-l6-v2/tokenizer.json"));

    List<Finding> problems = problems();

    assertEquals(2, problems.size(), problems.toString());
    Path models = machine.context.paths().modelsDir();
    assertEquals("no chat model (*.gguf) in " + models, problems.get(0).message());
    assertEquals("put a chat model, a .gguf file, in " + models, problems.get(0).fix());
    assertEquals("put an embedding model, a folder holding model.onnx and tokenizer.json, in " + models, problems.get(1).fix());
  }

  /**
   * The fixes named scripts by paths relative to a checkout, run from anywhere, which fetched into NM_HOST_MODELS_DIR
   * or NM_HOST_HOME rather than the config's models_dir that doctor checked: now, where the launcher is a checkout's,
   * its scripts by absolute path, pointed at that directory.
   */
  @Test
  void modelFixesRunTheCheckoutsScriptsIntoTheDirectoryChecked() throws IOException {
    Path scripts = Files.createDirectories(root.resolve("dist/scripts/models"));
    Files.writeString(scripts.resolve("fetch-chat-model.sh"), "#!/bin/sh\n");
    Files.writeString(scripts.resolve("fetch-embedding-model.sh"), "#!/bin/sh\n");
    Path elsewhere = root.resolve("my models");
    Files.writeString(machine.context.paths().configFile(),
        "{\"models_dir\": \"" + elsewhere + "\", \"origins\": {\"chrome-extension://" + ID + "/\": {}}}");

    List<Finding> missing = problems();
    Files.createDirectories(elsewhere);
    List<Finding> empty = problems();

    String dir = "NM_HOST_MODELS_DIR='" + elsewhere + "' ";
    assertEquals(1, missing.size(), missing.toString());
    assertEquals(dir + scripts.resolve("fetch-chat-model.sh") + " && " + dir + scripts.resolve("fetch-embedding-model.sh"),
        missing.get(0).fix());
    assertEquals(2, empty.size(), empty.toString());
    assertEquals(dir + scripts.resolve("fetch-chat-model.sh"), empty.get(0).fix());
    assertEquals(dir + scripts.resolve("fetch-embedding-model.sh"), empty.get(1).fix());
  }

  @Test
  void aDatabaseThatIsNotSqlitesIsAProblemAndASoundOneIsNot() throws IOException {
    Path db = machine.context.paths().database();
    Files.createDirectories(db.getParent());
    Files.write(db, "SQLite format 3\0 and the rest of a sound header".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(List.of(), problems());

    Files.writeString(db, "<html>a download that went wrong</html>");
    assertProblem(
        db + " is not an SQLite database: calls that need saved settings (models chosen, default parameters) fail until"
            + " it is moved aside; nm-host then starts a new one",
        "mv " + db + " " + db + ".damaged");
  }

  @Test
  void modelsComeFromTheConfiguredModelsDir() throws IOException {
    Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    HostConfig.load(machine.context.paths().configFile())
        .withModelsDir(elsewhere.toString())
        .save(machine.context.paths().configFile());

    List<Finding> problems = problems();

    assertEquals(2, problems.size(), problems.toString());
    assertEquals("no chat model (*.gguf) in " + elsewhere, problems.get(0).message());
  }

  @Test
  void daemonAnsweringAndStaleSocket() throws IOException {
    Path socket = machine.context.paths().socket();
    Files.createDirectories(socket.getParent());
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      assertTrue(doctor().out().contains("[ok]      daemon    answering at " + socket + "\n"), doctor().out());
    }
    assertProblem(socket + " exists but nothing answers (Connection refused); the daemon died", machine.launcher + " daemon start");
  }

  /**
   * A browser reads the machine-wide manifest when the user has none of their own: doctor without flags examines it,
   * and its callers against this user's config (each user allows them), instead of reporting no manifest at all.
   * On the Windows layout, whose machine-wide folder this test can put under its temporary root.
   */
  @Test
  void aMachineWideInstallIsExaminedWithThisUsersConfig(@TempDir Path windowsRoot) throws IOException {
    ManifestLocations windows =
        new ManifestLocations(OperatingSystem.WINDOWS, windowsRoot, windowsRoot.resolve("local"), windowsRoot.resolve("programdata"));
    Map<String, Path> keys = new HashMap<>();
    WindowsRegistry registry =
        new WindowsRegistry() {
          @Override
          void register(String key, Path manifestFile) {
            keys.put(key, manifestFile);
          }

          @Override
          Optional<String> defaultValue(String key) {
            return Optional.ofNullable(keys.get(key)).map(Path::toString);
          }
        };
    HostPaths paths = new HostPaths(windowsRoot.resolve("nm-home"), windowsRoot.resolve("nm-home/models"));
    HostConfigAllowlist allowlist = new HostConfigAllowlist(paths);
    new Installer(windows, allowlist, paths, registry)
        .install(new Placement(Set.of(Browser.CHROME), "nm_host", true, null), machine.launcher, List.of(ID), List.of(), Set.of());
    Path systemManifest = windows.target(Browser.CHROME, "nm_host", true).manifestFile();
    Doctor doctor = new Doctor(windows, paths, allowlist, machine.launcher, registry);
    Placement everyBrowser = new Placement(Set.of(Browser.CHROME, Browser.EDGE), "nm_host", false, null);

    List<Finding> healthy = doctor.examine(everyBrowser, false);
    assertTrue(healthy.stream().anyMatch(f -> f.severity() == Finding.Severity.OK && f.message().startsWith(systemManifest + " starts ")),
        healthy.toString());
    assertFalse(healthy.stream().anyMatch(f -> f.subject().equals("browsers")), healthy.toString());

    allowlist.revoke("chrome-extension://" + ID + "/");
    List<Finding> otherUser = doctor.examine(everyBrowser, false);
    assertTrue(otherUser.stream().anyMatch(f -> f.severity() == Finding.Severity.PROBLEM
        && f.message().startsWith("chrome-extension://" + ID + "/ may start the host but the host's config")), otherUser.toString());
  }

  /**
   * A browser named, doctor reported "no manifest" for the user's folder although the browser reads the machine-wide
   * one next, and its fix for a caller the user's config does not allow was install --system, which a user may not
   * run (and which under sudo edits root's config): now the user's folder is a note, the machine-wide manifest is
   * examined, and the fix is config allow, as install --system tells each user; changing the manifest itself is sudo's.
   */
  @Test
  void aNamedBrowserServedByTheMachineWideManifest() throws IOException {
    Path systemManifest = machine.systemRoot.resolve("etc/chromium/native-messaging-hosts/nm_host.json");
    Files.createDirectories(systemManifest.getParent());
    Files.writeString(systemManifest,
        new HostManifest(Browser.Family.CHROMIUM, "nm_host", machine.launcher, List.of("chrome-extension://" + ID + "/")).toText());
    new HostConfigAllowlist(machine.context.paths()).revoke("chrome-extension://" + ID + "/");
    Path userManifest = machine.home.resolve(".config/chromium/NativeMessagingHosts/nm_host.json");

    var result = machine.doctor("--browser", "chromium");

    assertEquals(1, result.status(), result.out());
    assertTrue(result.out().startsWith(
        "[note]    chromium  no manifest at " + userManifest + "; the machine-wide " + systemManifest + " serves instead\n"
            + "[problem] chromium  chrome-extension://" + ID + "/ may start the host but the host's config ("
            + machine.context.paths().configFile() + ") does not allow it, so every request gets FORBIDDEN\n"
            + "                    fix: " + machine.launcher + " config allow chrome-extension://" + ID + "/\n"),
        result.out());
    assertTrue(result.out().endsWith("1 problem found\n"), result.out());

    new HostConfigAllowlist(machine.context.paths()).allow("chrome-extension://" + ID + "/", Set.of());
    assertEquals(0, machine.doctor("--browser", "chromium").status());

    Files.writeString(systemManifest, Files.readString(systemManifest).replace("\"name\" : \"nm_host\"", "\"name\" : \"other\""));
    var renamed = machine.doctor("--browser", "chromium");
    assertTrue(renamed.out().contains("fix: sudo " + machine.launcher + " install --browser chromium --system --extension-id " + ID
        + " --host-path " + machine.launcher + "\n"), renamed.out());
  }

  @Test
  void noManifestAnywhereIsAProblem() {
    var result = machine.doctor();

    assertEquals(1, result.status());
    assertTrue(
        result.out().contains(
            "[problem] browsers  no browser has a manifest for host 'nm_host'\n"
                + "                    fix: " + machine.launcher + " install --browser chrome --extension-id <EXTENSION_ID>\n"),
        result.out());
  }

  private InstallFixture.Result doctor() {
    return machine.doctor("--user-data-dir", profile.toString());
  }

  private void rewrite(String from, String to) throws IOException {
    String text = Files.readString(manifest);
    assertTrue(text.contains(from), text);
    Files.writeString(manifest, text.replace(from, to));
  }

  private List<Finding> problems() {
    Doctor doctor = new Doctor(machine.context.locations(), machine.context.paths(), machine.context.allowlist(), machine.launcher);
    return doctor.examine(new Placement(Set.of(Browser.CHROMIUM), "nm_host", false, profile), true).stream()
        .filter(f -> f.severity() == Finding.Severity.PROBLEM)
        .toList();
  }

  private void assertProblem(String message, String fix) {
    List<Finding> problems = problems();
    assertEquals(1, problems.size(), problems.toString());
    assertEquals(message, problems.get(0).message());
    assertEquals(fix, problems.get(0).fix());
    var result = doctor();
    assertEquals(1, result.status());
    assertTrue(result.out().contains(message + "\n                    fix: " + fix + "\n"), result.out());
    assertTrue(result.out().endsWith("1 problem found\n"), result.out());
  }
}
