package dev.nm.host.install;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks an installation the way a browser and the host will see it, and says how to fix each problem: the host's
 * config (once); per browser, the manifest (present, valid JSON, name, absolute executable path, well-formed callers
 * without wildcards, each caller allowed by the host's config); then the daemon's socket and the models directory.
 */
public final class Doctor {
  private static final String NOT_FOUND = "\"Specified native messaging host not found.\"";
  private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private final ManifestLocations locations;
  private final HostPaths paths;
  private final OriginAllowlist allowlist;
  private final Path defaultHostPath;
  private final WindowsRegistry registry;

  /**
   * @param defaultHostPath the launcher: the command fixes run (by its absolute path), the path they give a manifest
   *     that has no usable one, and the checkout whose scripts fetch models; may be null
   */
  public Doctor(ManifestLocations locations, HostPaths paths, OriginAllowlist allowlist, Path defaultHostPath) {
    this(locations, paths, allowlist, defaultHostPath, new WindowsRegistry());
  }

  Doctor(
      ManifestLocations locations,
      HostPaths paths,
      OriginAllowlist allowlist,
      Path defaultHostPath,
      WindowsRegistry registry) {
    this.locations = locations;
    this.paths = paths;
    this.allowlist = allowlist;
    this.defaultHostPath = defaultHostPath;
    this.registry = registry;
  }

  /**
   * Examines every browser of {@code where}. A missing manifest is a problem where the user pointed at it
   * ({@code targeted}: named the browser or the profile) and a note otherwise; no manifest at all is always a
   * problem. A manifest that several browsers read (Brave reads Google Chrome's on macOS) is examined once, under
   * all their names.
   */
  public List<Finding> examine(Placement where, boolean targeted) {
    List<Finding> findings = new ArrayList<>();
    examineConfig().ifPresent(findings::add);
    boolean anyInstalled = false;
    Map<Path, List<Browser>> readers = new LinkedHashMap<>();
    Map<Path, InstallTarget> examined = new HashMap<>();
    Map<Path, Placement> levels = new HashMap<>();
    Map<Path, Set<Path>> missingOwn = new HashMap<>();
    for (InstallTarget target : where.targets(locations)) {
      InstallTarget read = target;
      Placement level = where;
      Optional<InstallTarget> machineWide = machineWide(where, target.browser());
      if (!Files.exists(target.manifestFile()) && machineWide.isPresent()) {
        // A browser reads the user's (or the profile's) folder, then the machine-wide one (install --system): that
        // one serves, and its callers must be allowed in this user's config all the same.
        read = machineWide.get();
        level = systemWide(where);
        missingOwn.computeIfAbsent(read.manifestFile(), file -> new LinkedHashSet<>()).add(target.manifestFile());
      }
      readers.computeIfAbsent(read.manifestFile(), file -> new ArrayList<>()).add(target.browser());
      examined.putIfAbsent(read.manifestFile(), read);
      levels.putIfAbsent(read.manifestFile(), level);
    }
    for (Map.Entry<Path, List<Browser>> entry : readers.entrySet()) {
      Path file = entry.getKey();
      List<Browser> browsers = entry.getValue();
      String subject = ids(browsers);
      if (missingOwn.containsKey(file)) {
        findings.add(Finding.note(subject, "no manifest at " + String.join(" or ", missingOwn.get(file).stream()
            .map(Path::toString).toList()) + "; the machine-wide " + file + " serves instead", null));
      }
      if (Files.exists(file)) {
        anyInstalled = true;
        new ManifestCheck(examined.get(file), browsers, levels.get(file), findings).run();
      } else if (targeted) {
        String fix = installCommand(browsers, levels.get(file), List.of(), null);
        findings.add(Finding.problem(subject, "no manifest at " + file, fix));
      } else {
        findings.add(Finding.note(subject, "not installed (no " + file + ")", null));
      }
    }
    if (!anyInstalled && !targeted) {
      findings.add(
          Finding.problem(
              "browsers",
              "no browser has a manifest for host '" + where.hostName() + "'",
              nmHost() + " install --browser chrome --extension-id <EXTENSION_ID>"));
    }
    findings.add(examineDaemon());
    examineDatabase().ifPresent(findings::add);
    findings.addAll(examineModels());
    return findings;
  }

  /**
   * The host's config, read once: a problem when it cannot be read or is not a valid config, with the fix that
   * names the bad key or line. The manifests' callers are checked against it only when it is valid.
   */
  private Optional<Finding> examineConfig() {
    Path file = paths.configFile();
    config = null;
    try {
      config = HostConfig.load(file);
      return Optional.empty();
    } catch (HostConfig.InvalidConfigException e) {
      return Optional.of(Finding.problem("config", e.getMessage(), e.fix()));
    } catch (IOException | RuntimeException e) {
      return Optional.of(Finding.problem("config", "cannot read " + file + ": " + e.getMessage(), "ls -l " + shellWord(file.toString())));
    }
  }

  /** The browsers' ids as {@code --browser} takes several: {@code chrome,brave}. */
  private static String ids(List<Browser> browsers) {
    return browsers.stream().map(Browser::id).collect(Collectors.joining(","));
  }

  /**
   * The machine-wide manifest of {@code browser} for {@code where}'s host, if one is there: read when the user's
   * folder, or the profile's, has none.
   */
  private Optional<InstallTarget> machineWide(Placement where, Browser browser) {
    if (where.system()) {
      return Optional.empty();
    }
    try {
      InstallTarget target = locations.target(browser, where.hostName(), true);
      return Files.exists(target.manifestFile()) ? Optional.of(target) : Optional.empty();
    } catch (InstallException | IllegalArgumentException noneAtThatLevel) {
      return Optional.empty();
    }
  }

  private static Placement systemWide(Placement where) {
    return new Placement(where.browsers(), where.hostName(), true, null);
  }

  /** The config {@link #examine} read; null when it could not. */
  private HostConfig config;

  /** Why the executable fails to start as a browser would start it, if it does: asked once per executable. */
  private final Map<Path, Optional<String>> startFailures = new HashMap<>();

  /** How long the executable has to answer {@code --version}. */
  private Duration startTimeout = Duration.ofSeconds(30);

  /** Gives the executable {@code timeout} to answer {@code --version} instead of 30 s: for tests. */
  Doctor startTimeout(Duration timeout) {
    this.startTimeout = timeout;
    return this;
  }

  private Optional<String> startFailure(Path executable) {
    return startFailures.computeIfAbsent(executable, this::tryStart);
  }

  /**
   * Runs {@code executable --version} with little more than a desktop session's environment (a browser does not
   * pass on a terminal's {@code JAVA_HOME} or {@code PATH} additions); its last line of output if it fails. The
   * output goes to a temporary file, so that an executable that never ends (or leaves a child holding its output)
   * is stopped at the timeout rather than waited for.
   */
  private Optional<String> tryStart(Path executable) {
    ProcessBuilder builder = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true);
    desktopEnvironment(builder.environment(), locations.os());
    Path output = null;
    try {
      output = Files.createTempFile("nm-host-doctor-", ".out");
      builder.redirectOutput(output.toFile());
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return Optional.of("it did not answer --version within " + seconds(startTimeout));
      }
      if (process.exitValue() == 0) {
        return Optional.empty();
      }
      List<String> lines = lastBytes(output, 64 * 1024).lines().filter(l -> !l.isBlank()).toList();
      return Optional.of("exit status " + process.exitValue() + (lines.isEmpty() ? "" : ", \"" + lines.get(lines.size() - 1) + "\""));
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // a temporary file left behind: the system's temporary folder is cleaned without us
        }
      }
    }
  }

  /**
   * Replaces {@code env} with what a browser started from the desktop would pass on, about: on Windows the system's
   * own variables (without {@code SystemRoot} no Windows program starts) and the user's folders, {@code PATH} and
   * {@code JAVA_HOME} included, which the desktop sets too; elsewhere {@code HOME} and the system's {@code PATH}.
   */
  static void desktopEnvironment(Map<String, String> env, OperatingSystem os) {
    Map<String, String> kept = new LinkedHashMap<>();
    if (os == OperatingSystem.WINDOWS) {
      // Windows' names are case-insensitive: Path and PATH are one variable.
      Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
      names.addAll(List.of(
          "SystemRoot", "SystemDrive", "windir", "ComSpec", "PATH", "PATHEXT", "JAVA_HOME", "TEMP", "TMP",
          "USERPROFILE", "LOCALAPPDATA", "APPDATA", "ProgramData"));
      env.forEach((name, value) -> {
        if (names.contains(name)) {
          kept.put(name, value);
        }
      });
    } else {
      kept.put("PATH", "/usr/local/bin:/usr/bin:/bin");
      String home = env.get("HOME");
      if (home != null) {
        kept.put("HOME", home);
      }
    }
    env.clear();
    env.putAll(kept);
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }

  /** The last {@code max} bytes of {@code file}, as UTF-8. */
  private static String lastBytes(Path file, int max) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(size, max));
      channel.position(size - bytes.capacity());
      while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
        // read on
      }
      return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
    }
  }

  /** The checks of one manifest file, adding to {@code findings}; an OK finding when none fails. */
  private final class ManifestCheck {
    private final InstallTarget target;
    private final List<Browser> browsers;
    private final Placement where;
    private final List<Finding> findings;
    private final String subject;
    private final Browser.Family family;
    private JsonNode json;
    private List<String> callers = List.of();

    /** @param browsers the browsers of the placement that read {@code target}'s manifest */
    ManifestCheck(InstallTarget target, List<Browser> browsers, Placement where, List<Finding> findings) {
      this.target = target;
      this.browsers = browsers;
      this.where = where;
      this.findings = findings;
      this.subject = ids(browsers);
      this.family = target.browser().family();
    }

    void run() {
      Path file = target.manifestFile();
      try {
        json = HostManifest.parse(Files.readString(file));
      } catch (IOException e) {
        problem("cannot read " + file + ": " + e.getMessage(), "ls -l " + shellWord(file.toString()));
        return;
      }
      if (json == null || !json.isObject()) {
        json = null;
        problem(file + " is not a JSON object, so the browser ignores it (" + NOT_FOUND + ")", reinstall());
        return;
      }
      callers = HostManifest.callersOf(json, family);
      int before = findings.size();
      checkRegistry();
      checkName();
      checkPath();
      checkCallers();
      if (findings.size() == before) {
        String path = json.path("path").asText();
        findings.add(Finding.ok(subject, file + " starts " + path + " for " + String.join(", ", callers)));
      }
    }

    /** On Windows the browser finds the file only through its registry key. */
    private void checkRegistry() {
      String key = target.registryKey();
      if (key == null) {
        return;
      }
      try {
        String registered = registry.defaultValue(key).orElse(null);
        if (registered == null) {
          problem("registry key " + key + " is missing, so the browser cannot find the manifest", reinstall());
        } else if (!registered.equals(target.manifestFile().toString())) {
          problem("registry key " + key + " names " + registered + ", not " + target.manifestFile(), reinstall());
        }
      } catch (IOException e) {
        problem("cannot query registry key " + key + ": " + e.getMessage(), "reg query " + key + " /ve");
      }
    }

    private void checkName() {
      String name = json.path("name").asText("");
      if (!name.equals(where.hostName())) {
        problem(
            "\"name\" is '" + name + "' but the file is " + target.manifestFile().getFileName()
                + "; browsers require them to match",
            reinstall());
      }
      String type = json.path("type").asText("");
      if (!type.equals("stdio")) {
        problem("\"type\" must be \"stdio\", got '" + type + "'", reinstall());
      }
    }

    private void checkPath() {
      String text = json.path("path").asText("");
      Path path = Path.of(text);
      if (text.isEmpty()) {
        problem("\"path\" is missing", reinstallWithDefaultPath());
      } else if (!path.isAbsolute()) {
        problem("\"path\" '" + text + "' is relative; browsers require an absolute path", reinstallWithDefaultPath());
      } else if (!Files.isRegularFile(path)) {
        problem("\"path\" " + text + " does not exist", reinstallWithDefaultPath());
      } else if (!Files.isExecutable(path)) {
        problem("\"path\" " + text + " is not executable", "chmod +x " + shellWord(text));
      } else {
        startFailure(path).ifPresent(why -> problem("\"path\" " + text + " does not start: " + why,
            "build it (mvn -B -q -DskipTests package in its checkout), or " + reinstallWithDefaultPath()));
      }
    }

    private void checkCallers() {
      String key = "\"" + family.callersKey() + "\"";
      if (callers.isEmpty()) {
        problem(key + " lists no extension", reinstall());
      }
      for (String caller : callers) {
        if (caller.contains("*")) {
          problem(key + " holds the wildcard '" + caller + "'; browsers reject the whole manifest", reinstall());
        } else if (!wellFormed(caller, family)) {
          String expected =
              family == Browser.Family.CHROMIUM
                  ? "of the form chrome-extension://ID/ (32 letters a-p, final slash)"
                  : "a Firefox add-on id";
          problem("'" + caller + "' is not " + expected, reinstall());
        }
      }
      if (config == null) {
        return; // the config's own problem is reported once; whom it allows cannot be told
      }
      for (String caller : wellFormedCallers()) {
        try {
          if (!allowlist.allows(Callers.hostOrigin(caller))) {
            // A machine-wide manifest is root's to change; each user allows its callers in their own config, as
            // install --system tells them to.
            problem(
                Callers.hostOrigin(caller) + " may start the host but the host's config (" + paths.configFile()
                    + ") does not allow it, so every request gets FORBIDDEN",
                where.system()
                    ? nmHost() + " config allow " + shellWord(Callers.hostOrigin(caller))
                    : installCommand(browsers, where, List.of(caller), json));
          }
        } catch (IOException | RuntimeException e) {
          String message = "cannot read " + paths.configFile() + ": " + e.getMessage();
          findings.add(Finding.problem("config", message, nmHost() + " config show"));
          return;
        }
      }
    }

    private List<String> wellFormedCallers() {
      return callers.stream().filter(caller -> wellFormed(caller, family)).toList();
    }

    /** Rewrites the manifest with its well-formed callers and its path, if usable. */
    private String reinstall() {
      return installCommand(browsers, where, wellFormedCallers(), json);
    }

    /** Rewrites the manifest with its well-formed callers and the default host path. */
    private String reinstallWithDefaultPath() {
      return installCommand(browsers, where, wellFormedCallers(), null);
    }

    private void problem(String message, String fix) {
      findings.add(Finding.problem(subject, message, fix));
    }
  }

  private Finding examineDaemon() {
    Path socket = paths.socket();
    if (!Files.exists(socket)) {
      return Finding.note(
          "daemon", "not running (no " + socket + "); the first browser connection starts it", nmHost() + " daemon start");
    }
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      return Finding.ok("daemon", "answering at " + socket);
    } catch (IOException e) {
      String message = socket + " exists but nothing answers (" + e.getMessage() + "); the daemon died";
      return Finding.problem("daemon", message, nmHost() + " daemon start");
    }
  }

  /**
   * A database file that is not SQLite's (its first 16 bytes are SQLite's magic string in every database SQLite
   * writes): a damaged one, which fails every call that needs a saved setting. Only the header is read, so a
   * database damaged further in passes here and its calls say so. No finding for a sound or missing database.
   */
  private Optional<Finding> examineDatabase() {
    Path file = paths.database();
    byte[] header = new byte[SQLITE_MAGIC.length];
    try (var in = Files.newInputStream(file)) {
      if (in.readNBytes(header, 0, header.length) == 0 || Arrays.equals(header, SQLITE_MAGIC)) {
        return Optional.empty();
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(Finding.problem("database", "cannot read " + file + ": " + e.getMessage(), "ls -l " + shellWord(file.toString())));
    }
    String moved = file + ".damaged";
    return Optional.of(
        Finding.problem(
            "database",
            file + " is not an SQLite database: calls that need saved settings (models chosen, default parameters)"
                + " fail until it is moved aside; nm-host then starts a new one",
            "mv " + shellWord(file.toString()) + " " + shellWord(moved)));
  }

  private List<Finding> examineModels() {
    Path dir = modelsDir();
    if (!Files.isDirectory(dir)) {
      return List.of(
          Finding.problem(
              "models",
              "models directory " + dir + " does not exist",
              fetch(dir, "fetch-chat-model.sh", "fetch-embedding-model.sh")
                  .orElse("put a chat model (a .gguf file) and an embedding model (a folder holding model.onnx and"
                      + " tokenizer.json) in " + dir)));
    }
    List<Path> entries;
    try (Stream<Path> list = Files.list(dir)) {
      entries = list.sorted().toList();
    } catch (IOException e) {
      return List.of(Finding.problem("models", "cannot list " + dir + ": " + e.getMessage(), "ls -ld " + shellWord(dir.toString())));
    }
    List<Path> chat =
        entries.stream().filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".gguf")).toList();
    List<Path> embedding =
        entries.stream()
            .filter(p -> Files.isRegularFile(p.resolve("model.onnx")))
            .filter(p -> Files.isRegularFile(p.resolve("tokenizer.json")))
            .toList();
    return List.of(
        chat.isEmpty()
            ? Finding.problem("models", "no chat model (*.gguf) in " + dir,
                fetch(dir, "fetch-chat-model.sh").orElse("put a chat model, a .gguf file, in " + dir))
            : Finding.ok("models", "chat model " + describe(chat)),
        embedding.isEmpty()
            ? Finding.problem(
                "models",
                "no embedding model (a directory with model.onnx and tokenizer.json) in " + dir,
                fetch(dir, "fetch-embedding-model.sh")
                    .orElse("put an embedding model, a folder holding model.onnx and tokenizer.json, in " + dir))
            : Finding.ok("models", "embedding model " + describe(embedding)));
  }

  /**
   * The commands that fetch the default models into {@code dir}, where the launcher is a checkout's, whose
   * {@code scripts/models/} has them (an installed distribution has none): by absolute path, pointed at the directory
   * doctor checked, which the scripts would otherwise take from {@code NM_HOST_MODELS_DIR} or {@code NM_HOST_HOME}.
   */
  private Optional<String> fetch(Path dir, String... scripts) {
    if (defaultHostPath == null || defaultHostPath.getParent() == null || defaultHostPath.getParent().getParent() == null) {
      return Optional.empty();
    }
    Path folder = defaultHostPath.getParent().getParent().resolve("scripts/models");
    List<String> commands = new ArrayList<>();
    for (String script : scripts) {
      Path path = folder.resolve(script);
      if (!Files.isRegularFile(path)) {
        return Optional.empty();
      }
      commands.add(HostPaths.MODELS_DIR_ENV + "=" + shellWord(dir.toString()) + " " + shellWord(path.toString()));
    }
    return Optional.of(String.join(" && ", commands));
  }

  /**
   * The directory the daemon reads models from: the config's {@code models_dir} when set, else the paths' (also when
   * the config cannot be read, which is reported on its own).
   */
  private Path modelsDir() {
    String configured = config == null ? null : config.modelsDir();
    return configured == null ? paths.modelsDir() : paths.home().resolve(configured);
  }

  private static String describe(List<Path> models) {
    String first = models.get(0).getFileName().toString();
    return models.size() == 1 ? first : first + " and " + (models.size() - 1) + " more";
  }

  private static boolean wellFormed(String caller, Browser.Family family) {
    return family == Browser.Family.CHROMIUM ? Callers.isChromeOrigin(caller) : Callers.isFirefoxId(caller);
  }

  /** The command that runs nm-host in a fix: the launcher by its absolute path, as no nm-host need be on the PATH. */
  private String nmHost() {
    return defaultHostPath == null ? "nm-host" : shellWord(defaultHostPath.toString());
  }

  /** {@code word} as one shell word: as it is when it needs no quoting, else in single quotes. */
  static String shellWord(String word) {
    return word.matches("[A-Za-z0-9_@%+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  /**
   * The install command that rewrites the manifest {@code browsers} read allowing {@code callers} (a placeholder if
   * none), starting the manifest's own path when it is usable, else the default launcher.
   */
  private String installCommand(List<Browser> browsers, Placement where, List<String> callers, JsonNode manifest) {
    // A machine-wide manifest is root's: as a user the install would be refused.
    String sudo = where.system() && locations.os() != OperatingSystem.WINDOWS ? "sudo " : "";
    StringBuilder command = new StringBuilder(sudo + nmHost() + " install --browser ").append(ids(browsers));
    if (where.userDataDir() != null) {
      command.append(" --user-data-dir ").append(shellWord(where.userDataDir().toString()));
    }
    if (where.system()) {
      command.append(" --system");
    }
    if (!where.hostName().equals(Defaults.HOST_NAME)) {
      command.append(" --host-name ").append(where.hostName());
    }
    boolean chromium = browsers.get(0).family() == Browser.Family.CHROMIUM;
    String option = chromium ? " --extension-id " : " --firefox-extension-id ";
    if (callers.isEmpty()) {
      command.append(option).append(chromium ? "<EXTENSION_ID>" : "<ADDON_ID>");
    }
    callers.forEach(caller -> command.append(option).append(chromium ? Callers.chromeId(caller) : caller));
    Path hostPath = usableHostPath(manifest);
    if (hostPath != null) {
      command.append(" --host-path ").append(shellWord(hostPath.toString()));
    } else if (defaultHostPath == null) {
      command.append(" --host-path <ABSOLUTE_PATH_TO_nm-host>");
    }
    return command.toString();
  }

  private static Path usableHostPath(JsonNode manifest) {
    String text = manifest == null ? "" : manifest.path("path").asText("");
    if (text.isEmpty()) {
      return null;
    }
    Path path = Path.of(text);
    return path.isAbsolute() && Files.isExecutable(path) ? path : null;
  }
}
