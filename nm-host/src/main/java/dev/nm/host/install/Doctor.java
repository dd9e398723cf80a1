package dev.nm.host.install;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.HostPaths;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks an installation the way a browser and the host will see it, and says how to fix each problem: per
 * browser, the manifest (present, valid JSON, name, absolute executable path, well-formed callers without
 * wildcards, each caller allowed by the host); then the daemon's socket and the models directory.
 */
public final class Doctor {
  private final ManifestLocations locations;
  private final HostPaths paths;
  private final OriginAllowlist allowlist;
  private final Path defaultHostPath;

  /**
   * @param defaultHostPath the launcher that fix commands name when a manifest has no usable path; may be null
   */
  public Doctor(ManifestLocations locations, HostPaths paths, OriginAllowlist allowlist, Path defaultHostPath) {
    this.locations = locations;
    this.paths = paths;
    this.allowlist = allowlist;
    this.defaultHostPath = defaultHostPath;
  }

  /**
   * Examines every browser of {@code where}. A missing manifest is a problem where the user pointed at it
   * ({@code targeted}: named the browser or the profile) and a note otherwise; no manifest at all is always a
   * problem.
   */
  public List<Finding> examine(Placement where, boolean targeted) {
    List<Finding> findings = new ArrayList<>();
    boolean anyInstalled = false;
    for (InstallTarget target : where.targets(locations)) {
      if (Files.exists(target.manifestFile())) {
        anyInstalled = true;
        examineManifest(target, where, findings);
      } else if (targeted) {
        findings.add(Finding.problem(subject(target), "no manifest at " + target.manifestFile(), installCommand(target, where, List.of(), null)));
      } else {
        findings.add(Finding.note(subject(target), "not installed (no " + target.manifestFile() + ")", null));
      }
    }
    if (!anyInstalled && !targeted) {
      findings.add(
          Finding.problem(
              "browsers",
              "no browser has a manifest for host '" + where.hostName() + "'",
              "nm-host install --browser chrome --extension-id <EXTENSION_ID>"));
    }
    findings.add(examineDaemon());
    findings.addAll(examineModels());
    return findings;
  }

  private void examineManifest(InstallTarget target, Placement where, List<Finding> findings) {
    String subject = subject(target);
    Path file = target.manifestFile();
    Browser.Family family = target.browser().family();
    JsonNode json;
    try {
      json = HostManifest.parse(Files.readString(file));
    } catch (IOException e) {
      findings.add(Finding.problem(subject, "cannot read " + file + ": " + e.getMessage(), "ls -l " + file));
      return;
    }
    if (json == null || !json.isObject()) {
      findings.add(
          Finding.problem(
              subject,
              file + " is not a JSON object, so the browser ignores it (\"Specified native messaging host not found.\")",
              installCommand(target, where, List.of(), null)));
      return;
    }
    List<String> callers = HostManifest.callersOf(json, family);
    int before = findings.size();

    String name = json.path("name").asText("");
    if (!name.equals(where.hostName())) {
      findings.add(
          Finding.problem(
              subject,
              "\"name\" is '" + name + "' but the file is " + file.getFileName() + "; browsers require them to match",
              installCommand(target, where, callers, json)));
    }
    if (!"stdio".equals(json.path("type").asText())) {
      findings.add(
          Finding.problem(subject, "\"type\" must be \"stdio\", got '" + json.path("type").asText() + "'", installCommand(target, where, callers, json)));
    }
    examinePath(target, where, json, callers, findings);
    examineCallers(target, where, json, callers, findings);

    if (findings.size() == before) {
      findings.add(Finding.ok(subject, file + " starts " + json.path("path").asText() + " for " + String.join(", ", callers)));
    }
  }

  private void examinePath(InstallTarget target, Placement where, JsonNode json, List<String> callers, List<Finding> findings) {
    String subject = subject(target);
    String text = json.path("path").asText("");
    if (text.isEmpty()) {
      findings.add(Finding.problem(subject, "\"path\" is missing", installCommand(target, where, callers, null)));
      return;
    }
    Path path = Path.of(text);
    if (!path.isAbsolute()) {
      findings.add(
          Finding.problem(subject, "\"path\" '" + text + "' is relative; browsers require an absolute path", installCommand(target, where, callers, null)));
    } else if (!Files.isRegularFile(path)) {
      findings.add(Finding.problem(subject, "\"path\" " + text + " does not exist", installCommand(target, where, callers, null)));
    } else if (!Files.isExecutable(path)) {
      findings.add(Finding.problem(subject, "\"path\" " + text + " is not executable", "chmod +x " + text));
    }
  }

  private void examineCallers(InstallTarget target, Placement where, JsonNode json, List<String> callers, List<Finding> findings) {
    String subject = subject(target);
    Browser.Family family = target.browser().family();
    List<String> wellFormed = callers.stream().filter(c -> wellFormed(c, family)).toList();
    if (callers.isEmpty()) {
      findings.add(Finding.problem(subject, "\"" + family.callersKey() + "\" lists no extension", installCommand(target, where, List.of(), json)));
    }
    for (String caller : callers) {
      if (caller.contains("*")) {
        findings.add(
            Finding.problem(
                subject,
                "\"" + family.callersKey() + "\" holds the wildcard '" + caller + "'; browsers reject the whole manifest",
                installCommand(target, where, wellFormed, json)));
      } else if (!wellFormed(caller, family)) {
        findings.add(
            Finding.problem(
                subject,
                "'" + caller + "' is not " + (family == Browser.Family.CHROMIUM ? "of the form chrome-extension://ID/ (32 letters a-p, final slash)" : "a Firefox add-on id"),
                installCommand(target, where, wellFormed, json)));
      }
    }
    for (String caller : wellFormed) {
      try {
        if (!allowlist.allows(caller)) {
          findings.add(
              Finding.problem(
                  subject,
                  caller + " may start the host but the host's config (" + paths.configFile() + ") does not allow it, so every request gets FORBIDDEN",
                  installCommand(target, where, List.of(caller), json)));
        }
      } catch (IOException | RuntimeException e) {
        findings.add(Finding.problem("config", "cannot read " + paths.configFile() + ": " + e.getMessage(), "nm-host config show"));
        return;
      }
    }
  }

  private Finding examineDaemon() {
    Path socket = paths.socket();
    if (!Files.exists(socket)) {
      return Finding.note(
          "daemon", "not running (no " + socket + "); the first browser connection starts it", "nm-host daemon start");
    }
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      return Finding.ok("daemon", "answering at " + socket);
    } catch (IOException e) {
      return Finding.problem(
          "daemon", socket + " exists but nothing answers (" + e.getMessage() + "); the daemon died", "nm-host daemon start");
    }
  }

  private List<Finding> examineModels() {
    Path dir = paths.modelsDir();
    List<Finding> findings = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      findings.add(Finding.problem("models", "models directory " + dir + " does not exist", "scripts/models/fetch-chat-model.sh && scripts/models/fetch-embedding-model.sh"));
      return findings;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      List<Path> all = entries.sorted().toList();
      List<Path> chat = all.stream().filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".gguf")).toList();
      List<Path> embedding = all.stream().filter(p -> Files.isRegularFile(p.resolve("model.onnx")) && Files.isRegularFile(p.resolve("tokenizer.json"))).toList();
      findings.add(
          chat.isEmpty()
              ? Finding.problem("models", "no chat model (*.gguf) in " + dir, "scripts/models/fetch-chat-model.sh")
              : Finding.ok("models", "chat model " + chat.get(0).getFileName() + (chat.size() > 1 ? " and " + (chat.size() - 1) + " more" : "")));
      findings.add(
          embedding.isEmpty()
              ? Finding.problem("models", "no embedding model (a directory with model.onnx and tokenizer.json) in " + dir, "scripts/models/fetch-embedding-model.sh")
              : Finding.ok("models", "embedding model " + embedding.get(0).getFileName()));
    } catch (IOException e) {
      findings.add(Finding.problem("models", "cannot list " + dir + ": " + e.getMessage(), "ls -ld " + dir));
    }
    return findings;
  }

  private static boolean wellFormed(String caller, Browser.Family family) {
    return family == Browser.Family.CHROMIUM ? Callers.isChromeOrigin(caller) : Callers.isFirefoxId(caller);
  }

  private static String subject(InstallTarget target) {
    return target.browser().id();
  }

  /** The install command that rewrites this target's manifest with {@code callers} (a placeholder if none). */
  private String installCommand(InstallTarget target, Placement where, List<String> callers, JsonNode json) {
    StringBuilder command = new StringBuilder("nm-host install --browser ").append(target.browser().id());
    if (where.userDataDir() != null) {
      command.append(" --user-data-dir ").append(where.userDataDir());
    }
    if (where.system()) {
      command.append(" --system");
    }
    if (!where.hostName().equals(Defaults.HOST_NAME)) {
      command.append(" --host-name ").append(where.hostName());
    }
    boolean chromium = target.browser().family() == Browser.Family.CHROMIUM;
    String option = chromium ? " --extension-id " : " --firefox-extension-id ";
    List<String> valid = callers.stream().filter(c -> wellFormed(c, target.browser().family())).toList();
    if (valid.isEmpty()) {
      command.append(option).append(chromium ? "<EXTENSION_ID>" : "<ADDON_ID>");
    }
    valid.forEach(c -> command.append(option).append(chromium ? Callers.chromeId(c) : c));
    Path hostPath = usableHostPath(json);
    if (hostPath != null) {
      command.append(" --host-path ").append(hostPath);
    } else if (defaultHostPath == null) {
      command.append(" --host-path <ABSOLUTE_PATH_TO_nm-host>");
    }
    return command.toString();
  }

  private static Path usableHostPath(JsonNode json) {
    if (json == null) {
      return null;
    }
    String text = json.path("path").asText("");
    if (text.isEmpty()) {
      return null;
    }
    Path path = Path.of(text);
    return path.isAbsolute() && Files.isExecutable(path) ? path : null;
  }
}
